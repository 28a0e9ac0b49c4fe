package dev.meteo.grpc.internal;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;

/**
 * Where the proxy believes a terminal stands when it sends it a window: a call header, {@value #HEADER}, the end (epoch
 * ms) of the last window the proxy believes the terminal holds, {@code 0} when it does not know. A terminal takes a
 * window that would leave a gap only when the proxy says it knows the terminal's position and sends from there anyway,
 * that is when the proxy has nothing to fill the gap with; otherwise it refuses, and its reply tells the proxy where it
 * stands. Without the header (an older proxy) a terminal refuses such a window once and takes it when offered again.
 */
public final class DeliveryPosition {

    /** The header's name. */
    public static final String HEADER = "meteo-sent-after-end-ms";

    private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<Long> SENT_AFTER = Context.key(HEADER);

    private DeliveryPosition() {
    }

    /** {@code stub} with the header saying the proxy sends after {@code believedEndMillis} (0: does not know). */
    public static <S extends AbstractStub<S>> S sentAfter(S stub, long believedEndMillis) {
        Metadata headers = new Metadata();
        headers.put(KEY, Long.toString(Math.max(0, believedEndMillis)));
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Makes the header of each call readable by {@link #ofThisCall()} in the service's methods. */
    public static ServerInterceptor reader() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                ServerCallHandler<Q, R> next) {
                String value = headers.get(KEY);
                Long position = null;
                if (value != null) {
                    try {
                        position = Long.parseLong(value.strip());
                    } catch (NumberFormatException unreadable) {
                        position = 0L; // a header that says nothing usable: as if the proxy did not know
                    }
                }
                return Contexts.interceptCall(Context.current().withValue(SENT_AFTER, position), call, headers, next);
            }
        };
    }

    /** The position the proxy said it sends this call after, {@code 0} when it does not know, {@code null} when it said nothing. */
    public static Long ofThisCall() {
        return SENT_AFTER.get();
    }
}
