package dev.mcpauth.examples;

import dev.mcpauth.AuthorizationServer;
import dev.mcpauth.servlet.ConsentPage;
import dev.mcpauth.servlet.McpAuthContextExtractor;
import dev.mcpauth.servlet.McpAuthServlets;
import dev.mcpauth.servlet.McpErrorBodies;
import dev.mcpauth.servlet.UserAuthenticator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;

/** The README's quick start: an MCP server on embedded Jetty, guarded by mcp-auth. */
public final class QuickStart {
  public static void main(String[] args) throws Exception {
    AuthorizationServer authorizationServer = AuthorizationServer.builder()
        .issuer("http://localhost:8080")
        .resource("http://localhost:8080/mcp")
        .scopes("mcp:read")
        .build();
    McpAuthServlets auth = McpAuthServlets.builder(authorizationServer)
        .pages(ConsentPage.withLogin(UserAuthenticator.ofUsers(Map.of("alice", "change-me"))))
        .build();

    var transport = HttpServletStreamableServerTransportProvider.builder()
        .contextExtractor(new McpAuthContextExtractor()) // who called: subject, client id, scopes
        // the SDK's own refusals as JSON-RPC errors, not Java exceptions with stack traces
        .jsonMapper(new JacksonMcpJsonMapper(new ObjectMapper().registerModule(McpErrorBodies.jacksonModule())))
        .build();
    McpServer.sync(transport)
        .serverInfo("my-server", "1.0.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .build(); // add your tools here

    Server jetty = new Server(8080);
    ServletContextHandler context = new ServletContextHandler();
    ServletHolder mcp = new ServletHolder(transport);
    mcp.setAsyncSupported(true);
    context.addServlet(mcp, "/mcp");
    context.addServletContainerInitializer(auth.initializer()); // OAuth endpoints + bearer filter
    jetty.setHandler(context);
    jetty.start();
    jetty.join();
  }
}
