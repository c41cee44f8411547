package testbed.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testbed.corpus.Corpus;
import testbed.corpus.Entry;
import testbed.corpus.Outcome;
import testbed.kernel.api.PacketFilter;

/**
 * The worker's own limits, behind the simulated machine's lockup detector: an unprotected
 * extension blocked in a JDK call does no work the detector can count, so only the worker's wall
 * clock ends its trial. The trial is answered {@code HUNG}, its thread is stopped, and the same
 * worker goes on with the trials queued behind it.
 */
class WorkerBackstopTest {
    private static final String METADATA = """
            @testbed.corpus.Entry(family = testbed.corpus.Family.CONTROL, threat = "%s", reference = "Someone 2024, a fixture",
                    expect = {%s}, otherwise = testbed.corpus.Outcome.OK)
            """;

    @TempDir
    Path dir;

    @Test
    void anUnprotectedTrialBlockedOutsideTheDetectorsViewIsHungAndTheWorkerGoesOn() throws Exception {
        Path classes = compile(Map.of(
                "com/example/Quick.java", "package com.example;" + METADATA.formatted("answers at once", "")
                        + "public final class Quick implements testbed.kernel.api.PacketFilter {"
                        + " public int filter(testbed.kernel.api.Context c, long p, int l) { return l; } }",
                "com/example/Sleeper.java", "package com.example;" + METADATA.formatted("blocks in a JDK call",
                        "@testbed.corpus.Expect(mode = \"NONE\", outcome = testbed.corpus.Outcome.HUNG)")
                        + "public final class Sleeper implements testbed.kernel.api.PacketFilter {"
                        + " public int filter(testbed.kernel.api.Context c, long p, int l) {"
                        + " try { Thread.sleep(600_000); } catch (InterruptedException e) { } return l; } }"));
        Corpus corpus = Corpus.open(classes.toString());
        List<TrialId> plan = new ArrayList<>();
        // Past the worker's warm-up trials, whose limits are ten times wider.
        for (int i = 0; i < 24; i++) {
            plan.add(new TrialId("control/Quick", "none", "NONE", i));
        }
        TrialId sleeper = new TrialId("control/Sleeper", "none", "NONE", 0);
        plan.add(sleeper);
        TrialId after = new TrialId("control/Quick", "none", "SFI_CHECK", 0);
        plan.add(after);

        Campaign.Result result = Campaign.of(plan, corpus, dir.resolve("out"), List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"), 1)
                .run(p -> { });

        Map<String, TrialRecord> byId = result.records().stream().collect(Collectors.toMap(TrialRecord::id, Function.identity()));
        assertThat(byId).hasSize(plan.size());
        assertThat(byId.get(sleeper.toString()).outcome()).isEqualTo(Outcome.HUNG);
        assertThat(byId.get(sleeper.toString()).detail()).contains("no answer after").contains("the trial's thread was stopped");
        assertThat(byId.get(after.toString()).outcome()).as("the trial after it runs on a working worker").isEqualTo(Outcome.OK);
        assertThat(result.infrastructure()).as("no worker was lost").isEmpty();
    }

    private Path compile(Map<String, String> sources) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-proc:none",
                "-cp", location(Entry.class) + File.pathSeparator + location(PacketFilter.class)));
        for (Map.Entry<String, String> s : sources.entrySet()) {
            Path file = src.resolve(s.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, s.getValue());
            arguments.add(file.toString());
        }
        assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, arguments.toArray(String[]::new))).isZero();
        return classes;
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
