package dev.meteo.cli.process;

import dev.meteo.cli.options.Mode;

import java.util.ArrayList;
import java.util.List;

/**
 * One deployment of child processes (the demo's, a bench run's): what every role of it must be told alike, so that
 * they meet. {@link #arguments(String)} is the one place that turns it into a role's command line.
 *
 * @param redisPrefix  this deployment's Redis key prefix (a run id in it, so runs never mix)
 * @param rabbitPrefix this deployment's queue and exchange prefix
 * @param balancer     {@code host:port} of the load balancer (grpc)
 * @param proxy        {@code host:port} of the proxy registry (grpc)
 * @param bindHost     the interface the children's servers listen on
 */
public record Deployment(Mode mode, String redisUri, String redisPrefix, String rabbitUri, String rabbitPrefix,
                         String balancer, String proxy, String bindHost) {

    /** The arguments every child of {@code role} gets: the subcommand, then the deployment's flags. */
    public List<String> arguments(String role) {
        List<String> args = new ArrayList<>(List.of(role));
        if (!role.equals("sensor") && !role.equals("lb")) {
            args.add("--redis-uri=" + redisUri);
            args.add("--redis-prefix=" + redisPrefix);
        }
        if (!role.equals("lb")) {
            args.add("--mode=" + mode);
            args.add("--rabbit-uri=" + rabbitUri);
            args.add("--rabbit-prefix=" + rabbitPrefix);
        }
        if (role.equals("lb") || role.equals("sensor") || role.equals("server") || role.equals("terminal")) {
            args.add("--lb=" + balancer);
        }
        if (role.equals("proxy") || role.equals("terminal")) {
            args.add("--proxy=" + proxy);
        }
        if (!role.equals("sensor")) {
            args.add("--bind=" + bindHost);
        }
        return args;
    }
}
