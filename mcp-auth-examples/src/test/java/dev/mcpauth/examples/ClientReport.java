package dev.mcpauth.examples;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reads the JSON report the Node client scripts print: their HTTP exchanges and named steps. */
final class ClientReport {
  private ClientReport() {}

  /** Each exchange as {@code "METHOD /path STATUS"}, in order. */
  static List<String> exchanges(JsonNode report) {
    List<String> exchanges = new ArrayList<>();
    report.get("http").forEach(h -> exchanges.add(h.get("method").asText() + " " + h.get("path").asText() + " " + h.get("status").asInt()));
    return exchanges;
  }

  static JsonNode step(JsonNode report, String name) {
    for (JsonNode step : report.get("steps")) {
      if (step.get("step").asText().equals(name)) {
        return step;
      }
    }
    throw new AssertionError("no step " + name + " in " + report.get("steps"));
  }
}
