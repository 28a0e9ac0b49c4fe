package dev.meteo.cli.options;

import picocli.CommandLine.Option;

/**
 * The network options of a role that registers (compute server, terminal): where it listens, and the address its
 * registrar (load balancer, proxy) dials to call it back, which differs from the bind address behind NAT, on a
 * wildcard bind, or when a certificate names the host rather than its address.
 */
public final class AdvertisedBindOptions extends BindOptions {

    @Option(names = "--advertise", paramLabel = "HOST",
            description = "Host or address to register under, the one peers dial back (default: the --bind address; "
                    + "the machine's host name when --bind is 0.0.0.0).")
    private String advertise;

    @Override
    public String advertisedHost() {
        return advertise;
    }
}
