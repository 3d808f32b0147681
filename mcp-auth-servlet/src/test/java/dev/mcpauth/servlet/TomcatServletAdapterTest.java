package dev.mcpauth.servlet;

class TomcatServletAdapterTest extends ServletAdapterContract {
  @Override
  ServletContainer newContainer() {
    return new TomcatContainer();
  }
}
