package dev.meteo.nemesis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TimelineTest {

    @TempDir
    Path dir;

    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void theSvgShadesAndLabelsEveryFaultOverBothSeries() throws Exception {
        List<RunSample> samples = new ArrayList<>();
        for (int second = 0; second <= 100; second++) {
            boolean paused = second >= 20 && second < 50;
            samples.add(new RunSample(START.plusSeconds(second), paused ? 0 : 120,
                    paused ? Duration.ofSeconds(second - 19) : Duration.ZERO));
        }
        List<Fault> faults = List.of(
                new Fault(FaultKind.PAUSE, "server-2", START.plusSeconds(20), START.plusSeconds(50), Map.of()),
                new Fault(FaultKind.SLOW_LINK, "lb<1>", START.plusSeconds(60), START.plusSeconds(70),
                        Map.of(Fault.DELAY_MILLIS, "500")),
                new Fault(FaultKind.PARTITION_HOST, "term2", START.plusSeconds(90), null, Map.of()));
        Path file = dir.resolve("run/timeline.svg");
        Timeline.write(file, "seed 42 & friends", samples, faults, START.plusSeconds(100));

        Document svg = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
        assertEquals("svg", svg.getDocumentElement().getTagName());
        List<Element> shaded = elements(svg, "rect").stream().filter(rect -> "fault".equals(rect.getAttribute("class")))
                .toList();
        assertEquals(3, shaded.size());
        assertEquals("pause", shaded.get(0).getAttribute("data-kind"));
        assertEquals("lb<1>", shaded.get(1).getAttribute("data-target"));
        // 100 s over 1110 px from x = 70: the pause covers seconds 20-50, the open partition 90-100
        assertEquals(70 + 1110 * 0.2, Double.parseDouble(shaded.get(0).getAttribute("x")), 0.1);
        assertEquals(1110 * 0.3, Double.parseDouble(shaded.get(0).getAttribute("width")), 0.1);
        assertEquals(1110 * 0.1, Double.parseDouble(shaded.get(2).getAttribute("width")), 0.1);
        assertTrue(shaded.get(1).getElementsByTagName("title").item(0).getTextContent().contains("delay-ms=500"));
        List<String> labels = elements(svg, "text").stream()
                .filter(text -> "fault-label".equals(text.getAttribute("class"))).map(Element::getTextContent).toList();
        assertEquals(List.of("pause server-2", "slow-link lb<1>", "partition-host term2"), labels);
        List<Element> series = elements(svg, "polyline");
        assertEquals(List.of("rate", "lag"), series.stream().map(line -> line.getAttribute("data-series")).toList());
        for (Element line : series) {
            assertEquals(samples.size(), line.getAttribute("points").split(" ").length);
        }
    }

    @Test
    void aRunWithoutSamplesStillShowsItsFaults() throws Exception {
        String svg = Timeline.svg("empty", List.of(),
                List.of(new Fault(FaultKind.KILL, "proxy-1", START, START.plusSeconds(3), Map.of())),
                START.plusSeconds(10));
        Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(svg.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals(1, elements(document, "rect").stream()
                .filter(rect -> "kill".equals(rect.getAttribute("data-kind"))).count());
    }

    private static List<Element> elements(Document document, String tag) {
        NodeList nodes = document.getElementsByTagName(tag);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }
}
