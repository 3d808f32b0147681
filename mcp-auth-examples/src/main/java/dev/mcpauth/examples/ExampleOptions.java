package dev.mcpauth.examples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The example server's command line. Immutable.
 *
 * @param port the port to listen on; 0 picks a free one
 * @param baseUrl the public URL, or {@code null} for {@code http://localhost:PORT}
 * @param users user name to password; empty means the single demo user without login
 * @param allowedOrigins browser origins allowed to call the MCP endpoint besides the server's own
 * @param help whether to print the usage and exit
 */
record ExampleOptions(int port, String baseUrl, Map<String, String> users, List<String> allowedOrigins, boolean help) {
  static final String USAGE = """
      Usage: java -jar mcp-auth-example.jar [options]

      An MCP server (official MCP Java SDK, Streamable HTTP) guarded by mcp-auth's embedded
      OAuth 2.1 authorization server, with in-memory storage.

        --port N                port to listen on (default 8080; 0 picks a free port)
        --base-url URL          the public URL of this server (default http://localhost:PORT)
        --user NAME:PASSWORD    a user who may log in; repeat for more. Without any, there is no
                                login and everyone who reaches the consent page is the user "demo"
        --allow-origin ORIGIN   a browser origin allowed to call the MCP endpoint directly, e.g. the
                                MCP Inspector's http://localhost:6274; repeat for more
        --help                  show this text
      """;

  /** @throws IllegalArgumentException saying what is wrong with the arguments */
  static ExampleOptions parse(String... args) {
    int port = 8080;
    String baseUrl = null;
    Map<String, String> users = new LinkedHashMap<>();
    List<String> origins = new ArrayList<>();
    boolean help = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> help = true;
        case "--port" -> port = port(value(args, ++i, arg));
        case "--base-url" -> baseUrl = value(args, ++i, arg).replaceAll("/+$", "");
        case "--user" -> {
          String user = value(args, ++i, arg);
          int colon = user.indexOf(':');
          if (colon < 1 || colon == user.length() - 1) {
            throw new IllegalArgumentException("--user takes NAME:PASSWORD, both non-empty");
          }
          users.put(user.substring(0, colon), user.substring(colon + 1));
        }
        case "--allow-origin" -> origins.add(value(args, ++i, arg));
        default -> throw new IllegalArgumentException("unknown option " + arg);
      }
    }
    return new ExampleOptions(port, baseUrl, Map.copyOf(users), List.copyOf(origins), help);
  }

  private static String value(String[] args, int index, String option) {
    if (index >= args.length || args[index].startsWith("--")) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[index];
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port < 0 || port > 65535) {
        throw new NumberFormatException();
      }
      return port;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--port takes a number from 0 to 65535");
    }
  }

  @Override
  public String toString() {
    return "ExampleOptions[port=" + port + ", baseUrl=" + baseUrl + ", users=" + users.keySet() + "]";
  }
}
