package dev.meteo.process;

import dev.meteo.cli.options.Mode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One deployment of child processes (the demo's, a bench run's): what every role of it must be told alike, so that
 * they meet. {@link #arguments(String)} and {@link #arguments(String, int)} are the one place that turns it into a
 * role's command line.
 *
 * @param redisPrefix  this deployment's Redis key prefix (a run id in it, so runs never mix)
 * @param rabbitPrefix this deployment's queue and exchange prefix
 * @param balancers    {@code host:port} of each load balancer (grpc), at least one
 * @param proxies      {@code host:port} of each proxy's registry (grpc), the first proxy's first, at least one
 * @param bindHost     the interface the children's servers listen on
 */
public record Deployment(Mode mode, String redisUri, String redisPrefix, String rabbitUri, String rabbitPrefix,
                         List<String> balancers, List<String> proxies, String bindHost) {

    public Deployment {
        balancers = List.copyOf(balancers);
        proxies = List.copyOf(proxies);
        if (balancers.isEmpty() || proxies.isEmpty()) {
            throw new IllegalArgumentException("a deployment needs a load balancer and a proxy address");
        }
    }

    /** A deployment given its addresses as the options spell them: {@code host:port[,host:port...]}. */
    public Deployment(Mode mode, String redisUri, String redisPrefix, String rabbitUri, String rabbitPrefix,
                      String balancers, String proxies, String bindHost) {
        this(mode, redisUri, redisPrefix, rabbitUri, rabbitPrefix, split(balancers), split(proxies), bindHost);
    }

    private static List<String> split(String addresses) {
        return Arrays.stream(addresses.split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
    }

    /** The arguments every child of {@code role} gets; a load balancer or proxy is the first one. */
    public List<String> arguments(String role) {
        return arguments(role, 1);
    }

    /**
     * The arguments of a child of {@code role}: the subcommand, then the deployment's flags. Load balancer and proxy
     * {@code instance} (from 1) listens on its own address, the {@code instance}-th: a proxy is given its own address
     * first, then the others. Sensors and compute servers are given every load balancer, terminals every proxy.
     */
    public List<String> arguments(String role, int instance) {
        List<String> args = new ArrayList<>(List.of(role));
        if (!role.equals("sensor") && !role.equals("lb")) {
            args.add("--redis-uri=" + redisUri);
        }
        if (!role.equals("sensor")) {
            args.add("--redis-prefix=" + redisPrefix); // the load balancer's too: it names the deployment it serves
        }
        if (!role.equals("lb")) {
            args.add("--mode=" + mode);
            args.add("--rabbit-uri=" + rabbitUri);
            args.add("--rabbit-prefix=" + rabbitPrefix);
        }
        if (role.equals("lb")) {
            args.add("--lb=" + balancers.get(instance - 1));
        } else if (role.equals("sensor") || role.equals("server") || role.equals("terminal")) {
            args.add("--lb=" + String.join(",", balancers));
        }
        if (role.equals("proxy")) {
            List<String> ownFirst = new ArrayList<>(proxies);
            ownFirst.add(0, ownFirst.remove(instance - 1));
            args.add("--proxy=" + String.join(",", ownFirst));
        } else if (role.equals("terminal")) {
            args.add("--proxy=" + String.join(",", proxies));
        }
        if (!role.equals("sensor")) {
            args.add("--bind=" + bindHost);
        }
        return args;
    }
}
