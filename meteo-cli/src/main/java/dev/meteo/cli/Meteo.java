package dev.meteo.cli;

/** Entry point of the meteo launcher (filled by the launcher issue). */
public final class Meteo {
    public static void main(String[] args) {
        System.out.println("meteo: launcher not built yet");
    }
}
