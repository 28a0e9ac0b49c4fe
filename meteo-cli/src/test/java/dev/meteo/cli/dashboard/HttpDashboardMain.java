package dev.meteo.cli.dashboard;

/** Serves the HTTP dashboard with a few synthetic windows, for a look in a browser: {@code HttpDashboardMain [port]}. */
public final class HttpDashboardMain {

    private HttpDashboardMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        HttpDashboard dashboard = HttpDashboard.start(HttpDashboard.DEFAULT_HOST,
                args.length > 0 ? Integer.parseInt(args[0]) : 0, "demo-1", HttpDashboard.DEFAULT_CAPACITY);
        Runtime.getRuntime().addShutdownHook(new Thread(dashboard::close));
        dashboard.setStatus("connected to proxy 127.0.0.1:7100");
        dashboard.setHealth(java.util.Map.of("healthy", true, "active_proxy", "proxy-1/1a2b3c4d",
                "standby_proxies", java.util.List.of("proxy-2/5e6f7a8b"), "close_lag_ms", 4200,
                "servers", java.util.List.of(java.util.Map.of("id", "server-1", "address", "127.0.0.1:7301", "live", true)),
                "terminals", java.util.List.of(java.util.Map.of("id", "1", "address", "127.0.0.1:7401", "live", true)),
                "queues", java.util.List.of(), "records_per_second", 8.5, "problems", java.util.List.of(),
                "notes", java.util.List.of()));
        System.out.println(dashboard.url());
        for (int i = 0; ; i++) {
            dashboard.accept(i % 7 == 3 ? Windows.empty(i, i / 5)
                    : Windows.window(i, 0.5 + 0.3 * Math.sin(i / 4.0), 0.4 + 0.2 * Math.cos(i / 3.0), i / 5));
            Thread.sleep(1000);
        }
    }
}
