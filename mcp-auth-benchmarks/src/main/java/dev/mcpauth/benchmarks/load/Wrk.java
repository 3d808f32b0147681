package dev.mcpauth.benchmarks.load;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The same request again and again from <a href="https://github.com/wg/wrk">wrk</a> ({@code wrk -t1
 * -c4}): a load generator in C that costs the machine far less CPU than a Java client, so that on two
 * CPUs the server's figures, not the client's, set the pace. Optional: the load run uses it when
 * {@code wrk} is on the PATH and {@code --wrk} is given.
 */
final class Wrk {
  /** What wrk reported: requests per second and latency percentiles in milliseconds. */
  record Result(long requests, double opsPerSecond, double p50Millis, double p99Millis, double maxMillis) {}

  private Wrk() {}

  static boolean available() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "wrk"))) {
        return true;
      }
    }
    return false;
  }

  /** {@code POST body} to {@code uri} with {@code headers} for {@code seconds} over {@code connections} connections. */
  static Result post(URI uri, Map<String, String> headers, String body, int connections, int seconds)
      throws IOException, InterruptedException {
    StringBuilder script = new StringBuilder("wrk.method = \"POST\"\nwrk.body = ").append(lua(body)).append('\n');
    headers.forEach((name, value) -> script.append("wrk.headers[").append(lua(name)).append("] = ").append(lua(value)).append('\n'));
    Path file = Files.createTempFile("load-run", ".lua");
    try {
      Files.writeString(file, script, StandardCharsets.UTF_8);
      List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s",
          "--latency", "-s", file.toString(), uri.toString()));
      Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!wrk.waitFor(seconds + 60L, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
        throw new IllegalStateException("wrk failed: " + output);
      }
      if (output.contains("Non-2xx or 3xx responses")) {
        throw new IllegalStateException("the server refused some of wrk's requests: " + output);
      }
      return new Result(find(output, "(\\d+) requests in"), number(output, "Requests/sec:\\s+([\\d.]+)"),
          millis(output, "\\s50%\\s+(\\S+)"), millis(output, "\\s99%\\s+(\\S+)"),
          millis(output, "Latency\\s+\\S+\\s+\\S+\\s+(\\S+)"));
    } finally {
      Files.deleteIfExists(file);
    }
  }

  private static String lua(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static long find(String output, String regex) {
    return (long) number(output, regex);
  }

  private static double number(String output, String regex) {
    Matcher match = Pattern.compile(regex).matcher(output);
    if (!match.find()) {
      throw new IllegalStateException("no " + regex + " in wrk's output: " + output);
    }
    return Double.parseDouble(match.group(1));
  }

  /** wrk prints durations as 812.00us, 1.25ms or 2.01s. */
  private static double millis(String output, String regex) {
    Matcher match = Pattern.compile(regex).matcher(output);
    if (!match.find()) {
      throw new IllegalStateException("no " + regex + " in wrk's output: " + output);
    }
    String value = match.group(1).toLowerCase(Locale.ROOT);
    if (value.endsWith("us")) {
      return Double.parseDouble(value.substring(0, value.length() - 2)) / 1000;
    } else if (value.endsWith("ms")) {
      return Double.parseDouble(value.substring(0, value.length() - 2));
    } else if (value.endsWith("m")) {
      return Double.parseDouble(value.substring(0, value.length() - 1)) * 60_000;
    }
    return Double.parseDouble(value.substring(0, value.length() - 1)) * 1000;
  }
}
