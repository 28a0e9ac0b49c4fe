package dev.meteo.rabbit.compute;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeldDeliveriesTest {

    @Test
    void aMultipleAckCoversTheStoredRunFromTheOldestHeldDeliveryOnly() {
        HeldDeliveries held = new HeldDeliveries();
        for (long tag = 1; tag <= 5; tag++) {
            held.delivered(tag);
        }
        held.stored(1);
        held.stored(2);
        held.stored(4);

        assertEquals(new HeldDeliveries.Ackable(2, 2), held.takeAckable());
        assertEquals(HeldDeliveries.Ackable.NONE, held.takeAckable(), "3 is not stored: 4 waits behind it");
        assertEquals(3, held.size());
    }

    @Test
    void aStoredRecordBehindAnOlderOneInProgressIsAckedOnceTheOlderOneIsStored() {
        HeldDeliveries held = new HeldDeliveries();
        held.delivered(7);
        held.delivered(8);
        held.delivered(9);
        held.stored(9);
        held.stored(8);
        assertEquals(HeldDeliveries.Ackable.NONE, held.takeAckable());

        held.stored(7);
        assertEquals(new HeldDeliveries.Ackable(9, 3), held.takeAckable());
        assertEquals(0, held.size());
    }

    @Test
    void aNackedDeliveryNoLongerHoldsBackTheOnesAfterItAndIsNotCounted() {
        HeldDeliveries held = new HeldDeliveries();
        held.delivered(1);
        held.delivered(2);
        held.delivered(3);
        held.stored(2);
        held.stored(3);

        held.forget(1); // nacked back to the queue
        assertEquals(new HeldDeliveries.Ackable(3, 2), held.takeAckable());
    }

    @Test
    void storingATagNotHeldChangesNothing() {
        HeldDeliveries held = new HeldDeliveries();
        held.stored(42); // e.g. its nack was sent already
        assertEquals(HeldDeliveries.Ackable.NONE, held.takeAckable());
        assertEquals(0, held.size());
    }
}
