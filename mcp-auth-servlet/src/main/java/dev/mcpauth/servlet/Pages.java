package dev.mcpauth.servlet;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Writes the library's HTML pages with the headers every such page needs: no framing by anyone
 * (clickjacking a consent button is the classic attack), no caching, no referrer, a content
 * security policy that allows nothing but the page's own inline style.
 */
final class Pages {
  private static final SecureRandom RANDOM = new SecureRandom();

  static final String STYLE = """
      body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;background:#f4f5f7;color:#1c1e21;margin:0}
      main{max-width:26rem;margin:3rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 1px 4px rgba(0,0,0,.12)}
      h1{font-size:1.3rem;margin:0 0 1rem}
      p{line-height:1.45}
      .host{font-weight:600;word-break:break-all}
      .warn{background:#fff4e5;border:1px solid #f0b45b;border-radius:8px;padding:.6rem .8rem;font-size:.9rem}
      .error{background:#fdecea;border:1px solid #e57373;border-radius:8px;padding:.6rem .8rem;font-size:.9rem}
      ul{padding-left:1.2rem} code{background:#f0f1f3;padding:.1rem .3rem;border-radius:4px}
      button,input{font:inherit}
      label{display:block;margin:.8rem 0 .3rem;font-size:.9rem}
      input[type=text],input[type=password]{width:100%;box-sizing:border-box;padding:.55rem;border:1px solid #c4c7cc;border-radius:6px;font-size:1rem}
      .buttons{display:flex;gap:.8rem;margin-top:1.4rem}
      button{flex:1;padding:.65rem;border-radius:6px;border:1px solid #c4c7cc;background:#fff;font-size:1rem;cursor:pointer}
      button.primary{background:#2458d6;border-color:#2458d6;color:#fff}
      .small{font-size:.8rem;color:#5f6368}
      """;

  private Pages() {}

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Writes a page; {@code body} is trusted HTML built with {@link #escape}. */
  static void write(HttpServletResponse response, int status, String title, String body) throws IOException {
    byte[] nonceBytes = new byte[16];
    RANDOM.nextBytes(nonceBytes);
    String nonce = Base64.getEncoder().encodeToString(nonceBytes);
    response.setStatus(status);
    response.setContentType("text/html;charset=UTF-8");
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("Pragma", "no-cache");
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    // No form-action: browsers apply it to the redirect after the POST, which goes to the client.
    response.setHeader("Content-Security-Policy",
        "default-src 'none'; style-src 'nonce-" + nonce + "'; img-src https:; frame-ancestors 'none'; base-uri 'none'");
    String html = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
        + "<title>" + escape(title) + "</title><style nonce=\"" + nonce + "\">" + STYLE + "</style></head>"
        + "<body><main>" + body + "</main></body></html>";
    byte[] bytes = html.getBytes(StandardCharsets.UTF_8);
    response.setContentLength(bytes.length);
    response.getOutputStream().write(bytes);
  }

  static void error(HttpServletResponse response, int status, String description) throws IOException {
    String sentence = description.endsWith(".") ? description : description + ".";
    write(response, status, "Authorization error",
        "<h1>This request cannot be completed</h1><p class=\"error\">" + escape(sentence) + "</p>"
            + "<p class=\"small\">Go back to the application and start again.</p>");
  }
}
