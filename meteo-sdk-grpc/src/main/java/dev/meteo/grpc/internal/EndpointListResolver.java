package dev.meteo.grpc.internal;

import dev.meteo.grpc.Endpoint;
import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A fixed list of peers as one gRPC target, {@code meteo-list:///host1:port1,host2:port2}, so that one channel spreads
 * calls over several load balancers with gRPC's {@code round_robin} policy and skips one that is down (its subchannel
 * in TRANSIENT_FAILURE) while gRPC keeps reconnecting to it. Host names are resolved at each refresh, which gRPC asks
 * for when a connection fails.
 */
final class EndpointListResolver extends NameResolverProvider {

    static final String SCHEME = "meteo-list";

    private static final EndpointListResolver INSTANCE = new EndpointListResolver();

    static {
        NameResolverRegistry.getDefaultRegistry().register(INSTANCE);
    }

    /** The target naming these endpoints (registers this resolver on first use). */
    static String target(List<Endpoint> endpoints) {
        return SCHEME + ":///" + endpoints.stream().map(Endpoint::toString).collect(Collectors.joining(","));
    }

    @Override
    protected boolean isAvailable() {
        return true;
    }

    @Override
    protected int priority() {
        return 5;
    }

    @Override
    public String getDefaultScheme() {
        return SCHEME;
    }

    @Override
    public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
        return List.of(InetSocketAddress.class);
    }

    @Override
    public NameResolver newNameResolver(URI target, NameResolver.Args args) {
        if (!SCHEME.equals(target.getScheme())) {
            return null;
        }
        List<Endpoint> endpoints = Arrays.stream(target.getPath().substring(1).split(","))
                .map(Endpoint::parse).toList();
        return new NameResolver() {
            private Listener2 listener;

            @Override
            public String getServiceAuthority() {
                return endpoints.get(0).host();
            }

            @Override
            public void start(Listener2 newListener) {
                this.listener = newListener;
                resolve();
            }

            @Override
            public void refresh() {
                resolve();
            }

            private void resolve() {
                List<EquivalentAddressGroup> groups = new ArrayList<>();
                for (Endpoint endpoint : endpoints) {
                    InetSocketAddress address = new InetSocketAddress(endpoint.host(), endpoint.port());
                    if (!address.isUnresolved()) {
                        // each load balancer's certificate is checked against its own host, not the first's
                        groups.add(new EquivalentAddressGroup(address, Attributes.newBuilder()
                                .set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, endpoint.toString()).build()));
                    }
                }
                if (groups.isEmpty()) {
                    listener.onError(Status.UNAVAILABLE.withDescription("none of " + endpoints + " resolves"));
                } else {
                    listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
                }
            }

            @Override
            public void shutdown() {
            }
        };
    }
}
