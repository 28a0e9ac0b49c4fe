package dev.meteo.grpc;

import dev.meteo.grpc.balancer.GrpcLoadBalancer.BackendStatus;
import dev.meteo.grpc.internal.GrpcServers;
import dev.meteo.grpc.proto.LoadBalancerGrpc;
import dev.meteo.grpc.proto.Member;
import dev.meteo.grpc.proto.MembersRequest;
import dev.meteo.grpc.proto.ProxyGrpc;
import dev.meteo.grpc.proxy.GrpcResultPublisher.TerminalStatus;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Asks direct mode's registries whom they know: the load balancer its compute servers, a proxy its terminals (for
 * {@code meteo status}). One short-lived channel per question, each call with a deadline; blocks the caller up to it.
 */
public final class Registries {

    private Registries() {
    }

    /**
     * The compute servers the load balancer at {@code balancer} knows, live or not.
     *
     * @throws StatusRuntimeException when it cannot be reached within {@code deadline} (UNAVAILABLE, DEADLINE_EXCEEDED)
     */
    public static List<BackendStatus> servers(Endpoint balancer, GrpcTlsSettings tls, Duration deadline) {
        return ask(balancer, tls, channel -> LoadBalancerGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .listServers(MembersRequest.getDefaultInstance()).getMembersList().stream()
                .map(m -> new BackendStatus(m.getId(), m.getAddress(), m.getLive(), m.getCalls(), 0, problem(m)))
                .toList());
    }

    /**
     * The terminals registered with the proxy at {@code proxy}.
     *
     * @throws StatusRuntimeException when it cannot be reached within {@code deadline}
     */
    public static List<TerminalStatus> terminals(Endpoint proxy, GrpcTlsSettings tls, Duration deadline) {
        return ask(proxy, tls, channel -> ProxyGrpc.newBlockingStub(channel)
                .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                .listTerminals(MembersRequest.getDefaultInstance()).getMembersList().stream()
                .map(m -> new TerminalStatus(m.getId(), m.getAddress(), m.getLive(), m.getLastEndMillis(), problem(m)))
                .toList());
    }

    private static String problem(Member member) {
        return member.getProblem().isEmpty() ? null : member.getProblem();
    }

    private static <T> T ask(Endpoint peer, GrpcTlsSettings tls, Function<ManagedChannel, T> question) {
        ManagedChannel channel = GrpcServers.channel(peer, tls);
        try {
            return question.apply(channel);
        } finally {
            channel.shutdownNow();
        }
    }
}
