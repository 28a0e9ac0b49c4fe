package dev.meteo.cli.command;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdsTest {

    @Test
    void aClaimedIdIsTheRoleAndHostAndASecondClaimantOfTheHostGetsTheNextNumber() {
        String role = "air-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        String first = Ids.claim(role);
        String second = Ids.claim(role);

        assertTrue(first.startsWith(role) && !first.substring(role.length()).isEmpty(), first);
        assertNotEquals(first, second, "two claimants of one host never share an id");
        assertEquals(first + "-2", second);
    }

    @Test
    void processIdsAreUniquePerProcessAndNameTheRole() {
        assertTrue(Ids.of("proxy").startsWith("proxy-"));
        assertEquals(Ids.of("proxy").substring("proxy".length()), Ids.of("server").substring("server".length()));
    }
}
