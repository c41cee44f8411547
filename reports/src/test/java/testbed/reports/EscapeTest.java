package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import testbed.corpus.Outcome;
import testbed.faults.TrialRecord;

class EscapeTest {
    @Test
    void markupEscapesEverythingThatCouldOpenATagOrLeaveAnAttribute() {
        assertThat(Escape.markup("<script>alert('x')</script> & \"q\""))
                .isEqualTo("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
    }

    @Test
    void markupKeepsLineBreaksAsReferencesAndReplacesCharactersXmlForbids() {
        assertThat(Escape.markup("a\nb\tc\rd")).isEqualTo("a&#10;b&#9;c&#13;d");
        assertThat(Escape.markup("\u0000\u001b\uD800x\uDC00\uFFFE")).isEqualTo("\uFFFD\uFFFD\uFFFDx\uFFFD\uFFFD");
        assertThat(Escape.markup("\uD83D\uDCA5 ü")).isEqualTo("\uD83D\uDCA5 ü");
        assertThat(Escape.markup(null)).isEmpty();
    }

    @Test
    void relativeHrefCannotBecomeASchemeOrLeaveTheAttribute() {
        assertThat(Escape.relativeHref("findings/ESCAPED-1a2b")).isEqualTo("./findings/ESCAPED-1a2b");
        assertThat(Escape.relativeHref("javascript:alert(1)")).isEqualTo("./javascript%3Aalert%281%29");
        assertThat(Escape.relativeHref("a\"b c<é>")).isEqualTo("./a%22b%20c%3C%C3%A9%3E");
    }

    @Test
    void printableTextKeepsLineBreaksAndReplacesControlsAndLoneSurrogates() {
        assertThat(Escape.printable("a\u001b[31mb\tc\nd\uD800e\uD83D\uDCA5")).isEqualTo("a\uFFFD[31mb\tc\nd\uFFFDe\uD83D\uDCA5");
        assertThat(Escape.printable(null)).isEmpty();
    }

    @Test
    void markdownCellsCannotSplitOrFormat() {
        assertThat(Escape.markdown("a|b")).isEqualTo("a\\|b");
        assertThat(Escape.markdown("<b>*x*</b> [l](u) `c` ~~s~~ \\")).isEqualTo("&lt;b&gt;\\*x\\*&lt;/b&gt; \\[l\\](u) \\`c\\` \\~\\~s\\~\\~ \\\\");
        assertThat(Escape.markdown("two\nlines")).isEqualTo("two lines");
        assertThat(Escape.markdown("SFI_MASK _em_")).isEqualTo("SFI_MASK \\_em\\_");
    }

    @Test
    void replayCommandsStartWithTheAbsoluteLauncherAndQuoteIdsTheShellWouldInterpret() {
        Provenance p = SampleCampaign.PROVENANCE;
        TrialRecord plain = SampleCampaign.trial("memory/WildStore", "bit-flip", "memory", "SFI_MASK", -3, Outcome.OK, null, "");
        assertThat(Escape.replayCommand(plain, p)).isEqualTo("/opt/testbed/testbed replay memory/WildStore~bit-flip~SFI_MASK~-3");
        TrialRecord hostile = SampleCampaign.trial("x/$(rm)<a>'b'", "f", "memory", "NONE", 1, Outcome.OK, null, "");
        assertThat(Escape.replayCommand(hostile, p)).isEqualTo("/opt/testbed/testbed replay 'x/$(rm)<a>'\\''b'\\''~f~NONE~1'");
    }

    @Test
    void replayCommandsOfAPlugInsTrialNameItsJar() {
        Provenance p = SampleCampaign.PROVENANCE.withTechniqueJars(List.of("/opt/my techniques/mask.jar"));
        TrialRecord plugIn = SampleCampaign.trial("memory/WildStore", "none", "none", "store-mask", 1, Outcome.ESCAPED, null, "");
        TrialRecord builtIn = SampleCampaign.trial("memory/WildStore", "none", "none", "SFI_MASK", 1, Outcome.OK, null, "");
        assertThat(Escape.replayCommand(plugIn, p))
                .isEqualTo("/opt/testbed/testbed replay --technique-jar '/opt/my techniques/mask.jar' memory/WildStore~none~store-mask~1");
        assertThat(Escape.replayCommand(builtIn, p)).isEqualTo("/opt/testbed/testbed replay memory/WildStore~none~SFI_MASK~1");
    }

    @Test
    void replayCommandsNameACorpusThatIsNotTheBundledOne() {
        Provenance p = SampleCampaign.PROVENANCE;
        Provenance elsewhere = new Provenance(p.toolVersion(), p.gitCommit(), p.jdk(), p.jvmFlags(), p.cores(), p.memoryBytes(),
                p.maxHeapBytes(), p.date(), "'/opt/my tools/testbed'", p.commandLine(), "/data/my corpus", p.corpusDigest());
        TrialRecord plain = SampleCampaign.trial("memory/WildStore", "none", "none", "NONE", 1, Outcome.OK, null, "");
        assertThat(Escape.replayCommand(plain, elsewhere))
                .isEqualTo("'/opt/my tools/testbed' replay --corpus '/data/my corpus' memory/WildStore~none~NONE~1");
    }

    @Test
    void markdownCodeSpansOutfenceTheirContentAndEscapePipes() {
        assertThat(Escape.markdownCode("./testbed replay a~b~NONE~1")).isEqualTo("`./testbed replay a~b~NONE~1`");
        assertThat(Escape.markdownCode("x`y``z|w")).isEqualTo("```x`y``z\\|w```");
        assertThat(Escape.markdownCode("`edge")).isEqualTo("`` `edge ``");
    }
}
