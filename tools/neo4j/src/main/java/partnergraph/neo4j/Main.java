package partnergraph.neo4j;

import java.nio.file.Path;
import java.util.Map;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;

/**
 * Starts an embedded Neo4j Community DBMS with the Bolt connector on 127.0.0.1, for
 * PartnerGraph's tests and developers (start.sh runs it). It prints "ready" once a statement
 * has run on the default database, and shuts the DBMS down on SIGTERM or SIGINT, releasing the
 * store lock.
 *
 * <p>Usage: {@code Main <port> <home directory> [page cache MiB]}. The password of the
 * {@code neo4j} user comes from the environment variable NEO4J_PASSWORD (kept off the command
 * line, which other users can read); without it, authentication is off.
 */
public final class Main {
    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            // Neo4j's threads would keep the JVM alive after main fails: exit, so that start.sh
            // sees the failure at once (the shutdown hook still stops the DBMS).
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Main <port> <home directory> [page cache MiB]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        Path home = Path.of(args[1]).toAbsolutePath();
        long pageCacheMiB = args.length == 3 ? Long.parseLong(args[2]) : 256;
        String password = System.getenv("NEO4J_PASSWORD");
        boolean auth = password != null && !password.isEmpty();
        if (auth && password.length() < 8) {
            System.err.println("NEO4J_PASSWORD must have at least 8 characters (Neo4j's minimum)");
            System.exit(2);
        }

        SocketAddress address = new SocketAddress("127.0.0.1", port);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, address)
                // With neo4j:// the driver routes to the advertised address.
                .setConfig(BoltConnector.advertised_address, address)
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                // The default is sized from the machine's RAM; tests need little.
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMiB))
                // A scratch server: keep a day of transaction logs, not the default seven.
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 days")
                .build();
        // SIGTERM runs the hooks: shut down cleanly so the next start finds no store lock.
        Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));

        if (auth) {
            // The initial password of neo4j would have to be changed before any query works;
            // set the chosen one (again on every start, so a changed NEO4J_PASSWORD takes).
            try {
                dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                        Map.of("password", password));
            } catch (QueryExecutionException e) {
                // Neo4j refuses to set the password it already has: that is the state we want.
                if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                    throw e;
                }
            }
        }
        dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        System.out.println("ready: Neo4j " + org.neo4j.kernel.internal.Version.getNeo4jVersion()
                + " on bolt://127.0.0.1:" + port + " (auth " + (auth ? "on" : "off") + ")");
        System.out.flush();
    }
}
