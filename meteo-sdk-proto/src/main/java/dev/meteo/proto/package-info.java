/**
 * The wire format both modes carry: the protobuf messages of {@code meteo/v1/records.proto} (generated here) and
 * {@link dev.meteo.proto.ProtoCodec}, their translation to and from the core model. Fields are only ever added.
 */
package dev.meteo.proto;
