package dev.meteo.demo;

import dev.meteo.grpc.Endpoint;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Where {@code meteo demo --lbs N --proxies N} puts its load balancers and proxies. */
class DemoAddressesTest {

    private static Endpoint at(int port) {
        return new Endpoint("127.0.0.1", port);
    }

    @Test
    void moreInstancesThanAddressesGivenTakeTheNextPortsSkippingTheOtherRoles() {
        // the defaults: a load balancer on 7101, a proxy on 7102
        assertEquals(List.of(at(7101), at(7103)), DemoCommand.addresses(List.of(at(7101)), 2, List.of(at(7102))));
        assertEquals(List.of(at(7102), at(7104), at(7105)),
                DemoCommand.addresses(List.of(at(7102)), 3, List.of(at(7101), at(7103))));
    }

    @Test
    void theAddressesGivenComeFirstAndOnlyAsManyAsNeeded() {
        assertEquals(List.of(at(9000), at(9500)), DemoCommand.addresses(List.of(at(9000), at(9500)), 2, List.of()));
        assertEquals(List.of(at(9000)), DemoCommand.addresses(List.of(at(9000), at(9500)), 1, List.of()));
    }
}
