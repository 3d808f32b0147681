package dev.mcpauth.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.guard.McpGuard;
import dev.mcpauth.guard.OriginGuard;
import dev.mcpauth.guard.ScopePolicy;
import dev.mcpauth.http.CorsRules;
import dev.mcpauth.http.EndpointResponse;
import dev.mcpauth.metadata.ProtectedResourceMetadata;
import dev.mcpauth.resource.ResourceServer;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpStatelessServerTransport;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An MCP endpoint on AWS Lambda guarded by mcp-auth, for a function URL or an API Gateway HTTP API
 * (payload format 2.0), with no servlet container: the RFC 9728 protected resource metadata, and the
 * MCP endpoint behind core's {@link McpGuard} with the MCP Java SDK's stateless server behind it. This
 * is the resource-server deployment (tokens from an external authorization server); the function keeps
 * nothing between invocations. Thread-safe.
 *
 * <p>From a {@code RequestStreamHandler}: read the event with Jackson, {@code handle} it, write the
 * result; build this object once per function instance (in a static field or the constructor).
 */
public final class McpAuthLambda {
  /** Keys of the verified principal in a tool handler's {@code McpTransportContext}, as in the servlet adapter. */
  public static final String SUBJECT = "mcp-auth.subject";
  public static final String CLIENT_ID = "mcp-auth.client_id";
  public static final String SCOPES = "mcp-auth.scopes";
  public static final String TOKEN = "mcp-auth.verified_token";

  private final McpGuard guard;
  private final LambdaMcpTransport transport;
  private final String mcpPath;
  private final String metadataPath;
  private final EndpointResponse metadata;

  private McpAuthLambda(Builder builder) {
    ResourceServer resourceServer = builder.resourceServer;
    URI resource = URI.create(resourceServer.resource());
    this.mcpPath = ProtectedResourceMetadata.resourcePath(resource);
    this.metadataPath = ProtectedResourceMetadata.metadataPath(resource);
    String metadataUrl = ProtectedResourceMetadata.metadataUrl(resource);
    OriginGuard origins = builder.originGuard != null ? builder.originGuard : OriginGuard.forResource(resourceServer.resource());
    this.guard = new McpGuard(resourceServer.verifier(), metadataUrl, builder.scopePolicy, origins);
    this.metadata = resourceServer.protectedResourceMetadata();
    if (builder.mcpServer == null) {
      throw new IllegalStateException("mcpServer(...) was not given");
    }
    this.transport = new LambdaMcpTransport(builder.jsonMapper != null ? builder.jsonMapper
        : new JacksonMcpJsonMapper(new ObjectMapper()));
    builder.mcpServer.accept(transport);
  }

  public static Builder builder(ResourceServer resourceServer) {
    return new Builder(resourceServer);
  }

  /** Answers one event; never throws for anything a caller can send. */
  public ObjectNode handle(JsonNode event) {
    HttpEvent request;
    try {
      request = HttpEvent.parse(event);
    } catch (IllegalArgumentException e) {
      return LambdaResponses.of(McpGuard.jsonRpcError(400, -32600, "Bad Request"), Map.of());
    }
    if (request.rawPath().equals(metadataPath)) {
      return LambdaResponses.of(document(request), Map.of());
    }
    if (request.rawPath().equals(mcpPath)) {
      return mcp(request);
    }
    return LambdaResponses.of(EndpointResponse.noStoreJson(404, "{\"error\":\"not_found\"}"), Map.of());
  }

  private EndpointResponse document(HttpEvent request) {
    if (CorsRules.isPreflight(request.method(), request.firstHeader("Origin"),
        request.firstHeader("Access-Control-Request-Method"))) {
      return CorsRules.preflight("GET, OPTIONS");
    }
    if (!request.method().equals("GET")) {
      return EndpointResponse.noStoreJson(405, "{\"error\":\"invalid_request\"}").withHeader("Allow", "GET, OPTIONS");
    }
    EndpointResponse answer = metadata;
    for (Map.Entry<String, String> header : CorsRules.anyOriginHeaders().entrySet()) {
      answer = answer.withHeader(header.getKey(), header.getValue());
    }
    return answer;
  }

  private ObjectNode mcp(HttpEvent request) {
    McpGuard.Decision decision = guard.checkHeaders(request.method(), request::header);
    if (decision instanceof McpGuard.Respond refused) {
      return LambdaResponses.of(refused.response(), Map.of());
    }
    McpGuard.Proceed allowed = (McpGuard.Proceed) decision;
    Map<String, String> cors = allowed.responseHeaders();
    if (!request.method().equals("POST")) {
      // Stateless Streamable HTTP: no event stream to GET and no session to DELETE
      return LambdaResponses.of(McpGuard.jsonRpcError(405, -32000, "Method not allowed").withHeader("Allow", "POST"), cors);
    }
    byte[] body = request.body() == null ? new byte[0] : request.body();
    EndpointResponse refused = guard.checkCalls(allowed.token(), body);
    if (refused != null) {
      return LambdaResponses.of(refused, cors);
    }
    return LambdaResponses.of(transport.handle(allowed.token(), body), cors);
  }

  public static final class Builder {
    private final ResourceServer resourceServer;
    private ScopePolicy scopePolicy = ScopePolicy.builder().build();
    private OriginGuard originGuard;
    private McpJsonMapper jsonMapper;
    private Consumer<McpStatelessServerTransport> mcpServer;

    private Builder(ResourceServer resourceServer) {
      this.resourceServer = Objects.requireNonNull(resourceServer, "resourceServer");
    }

    public Builder scopePolicy(ScopePolicy policy) {
      this.scopePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Default: the resource's own host and origin ({@link OriginGuard#forResource}). */
    public Builder originGuard(OriginGuard guard) {
      this.originGuard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** How MCP messages are read and written (default: Jackson with its defaults). */
    public Builder jsonMapper(McpJsonMapper mapper) {
      this.jsonMapper = Objects.requireNonNull(mapper, "mapper");
      return this;
    }

    /**
     * The MCP server: {@code build} gets the transport to build a stateless server of the MCP Java SDK
     * on, {@code McpServer.sync(transport)...build()}.
     */
    public Builder mcpServer(Consumer<McpStatelessServerTransport> build) {
      this.mcpServer = Objects.requireNonNull(build, "build");
      return this;
    }

    public McpAuthLambda build() {
      return new McpAuthLambda(this);
    }
  }
}
