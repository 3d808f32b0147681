package dev.mcpauth.lambda;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mcpauth.http.EndpointResponse;
import java.util.Map;

/**
 * Writes an {@link EndpointResponse} as the Lambda response payload format 2.0 asks: {@code
 * statusCode}, {@code headers}, {@code body} as text ({@code isBase64Encoded} false: every answer here
 * is JSON or HTML in UTF-8).
 */
final class LambdaResponses {
  private LambdaResponses() {}

  static ObjectNode of(EndpointResponse response, Map<String, String> extraHeaders) {
    ObjectNode result = JsonNodeFactory.instance.objectNode();
    result.put("statusCode", response.status());
    ObjectNode headers = result.putObject("headers");
    headers.put("X-Content-Type-Options", "nosniff");
    response.headers().forEach(headers::put);
    extraHeaders.forEach(headers::put);
    result.put("body", response.body() == null ? "" : response.body());
    result.put("isBase64Encoded", false);
    return result;
  }
}
