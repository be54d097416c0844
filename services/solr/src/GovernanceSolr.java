import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs Solr 9 embedded in Jetty on 127.0.0.1, for development and tests (no Docker, no Solr
 * distribution). Usage: GovernanceSolr SOLR_HOME PORT PIDFILE
 */
public final class GovernanceSolr {
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: GovernanceSolr SOLR_HOME PORT PIDFILE");
      System.exit(2);
    }
    JettyConfig config =
        JettyConfig.builder().setPort(Integer.parseInt(args[1])).setContext("/solr")
            .stopAtShutdown(true).build();
    JettySolrRunner solr = new JettySolrRunner(args[0], config);
    solr.start();
    // The pid file appears only once Solr answers, so scripts can wait on it.
    Files.writeString(Path.of(args[2]), Long.toString(ProcessHandle.current().pid()));
    System.out.println("Solr listening on http://127.0.0.1:" + solr.getLocalPort() + "/solr");
    Thread.currentThread().join();
  }
}
