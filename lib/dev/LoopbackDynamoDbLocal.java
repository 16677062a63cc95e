/*
 * DynamoDB Local on loopback only (docs/running-and-testing.md#running-locally). Its own main
 * builds a Jetty server for a port alone, which listens on every interface,
 * and it has no option or system property for the address. This starts it
 * the same way from the same arguments, but sets the address of its
 * connector to 127.0.0.1 before it starts listening. It is run by Java's
 * source-file mode (`java LoopbackDynamoDbLocal.java ...`, Java 11+), so
 * there is nothing to compile or commit as a binary. Telemetry is never
 * configured here (ServerRunner.main would), and lib/dev/dynamodb-local.ts
 * also passes -disableTelemetry.
 */
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // A private field: if a new DynamoDB Local renames it, this fails at start, never silently binds everywhere.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind to loopback");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost("127.0.0.1");
    proxy.start();
  }
}
