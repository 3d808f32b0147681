package dev.mcpauth.servlet;

class JettyServletAdapterTest extends ServletAdapterContract {
  @Override
  ServletContainer newContainer() {
    return new JettyContainer();
  }
}
