package dev.mcpauth.benchmarks.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.ratelimit.LimitedAction;
import dev.mcpauth.servlet.ConsentPage;
import dev.mcpauth.servlet.McpAuthContextExtractor;
import dev.mcpauth.servlet.McpAuthServlets;
import dev.mcpauth.servlet.McpErrorBodies;
import dev.mcpauth.servlet.UserAuthenticator;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The README's quick start, for the load run (rate limits off, as all load comes from one address): an embedded authorization server with one user, the
 * official MCP Java SDK at {@code /mcp} behind the bearer filter, and the same MCP server again at
 * {@code /baseline} without it, so that one process shows what the guard costs. Prints {@code READY
 * <port>} once it answers. Loopback only: {@code /baseline} has no authorization at all.
 *
 * <pre>{@code java -cp benchmarks.jar dev.mcpauth.benchmarks.app.QuickStartApp [port]}</pre>
 */
public final class QuickStartApp {
  private QuickStartApp() {}

  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
    Server jetty = new Server();
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    connector.open(); // the port is known before the issuer is built
    jetty.addConnector(connector);
    String base = "http://localhost:" + connector.getLocalPort();

    AuthorizationServer.Builder builder = AuthorizationServer.builder()
        .issuer(base)
        .resource(base + "/mcp")
        .scopes("mcp:read");
    // The load comes from one address, which the per-address limits would stop within a second.
    for (LimitedAction action : LimitedAction.values()) {
      builder.withoutRateLimit(action);
    }
    AuthorizationServer authorizationServer = builder.build();
    McpAuthServlets auth = McpAuthServlets.builder(authorizationServer)
        .pages(ConsentPage.withLogin(UserAuthenticator.ofUsers(Map.of("alice", "change-me"))))
        .build();

    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(mcpServlet("/mcp"), "/mcp");
    context.addServlet(mcpServlet("/baseline"), "/baseline");
    context.addServletContainerInitializer(auth.initializer());
    jetty.setHandler(context);
    jetty.start();
    System.out.println("READY " + connector.getLocalPort());
    jetty.join();
  }

  /** An MCP server (official SDK, Streamable HTTP) with one tool, {@code whoami}, at {@code path}. */
  private static ServletHolder mcpServlet(String path) {
    var transport = HttpServletStreamableServerTransportProvider.builder()
        .mcpEndpoint(path)
        .contextExtractor(new McpAuthContextExtractor())
        .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper().registerModule(McpErrorBodies.jacksonModule())))
        .build();
    McpSchema.Tool whoami = McpSchema.Tool.builder().name("whoami").description("Who is calling")
        .inputSchema(new McpSchema.JsonSchema("object", Map.of(), null, null, null, null)).build();
    McpServer.sync(transport)
        .serverInfo("quick-start", "1.0.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(SyncToolSpecification.builder().tool(whoami).callHandler((exchange, request) ->
            McpSchema.CallToolResult.builder().addTextContent(
                McpAuthContextExtractor.subject(exchange.transportContext()).orElse("anonymous")).build()).build())
        .build();
    ServletHolder holder = new ServletHolder(transport);
    holder.setAsyncSupported(true);
    return holder;
  }
}
