package dev.mcpauth.fetch;
// TEMPORARY STUB
public final class FetchException extends Exception {
  public enum Reason { HTTP_STATUS, CONNECT_FAILED }
  private final Reason reason;
  public FetchException(Reason reason, String message) { super(message); this.reason = reason; }
  public Reason reason() { return reason; }
  public String safeMessage() { return getMessage(); }
}
