package testbed.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import testbed.corpus.Outcome;
import testbed.faults.TrialRecord;

class JunitXmlTest {
    @TempDir
    Path dir;

    private Document parse(SampleCampaign campaign) throws Exception {
        campaign.report().writeTo(dir);
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(dir.resolve(ContainmentReport.JUNIT_XML).toFile());
    }

    @Test
    void oneFailurePerUnexpectedTrialEachNamingItsReplayCommand() throws Exception {
        SampleCampaign campaign = SampleCampaign.synthetic(5);
        Document xml = parse(campaign);

        List<TrialRecord> unexpected = campaign.records.stream().filter(TrialRecord::unexpected).toList();
        assertThat(unexpected).isNotEmpty();
        NodeList failures = xml.getElementsByTagName("failure");
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < failures.getLength(); i++) {
            messages.add(((Element) failures.item(i)).getAttribute("message"));
        }
        assertThat(messages).hasSameSizeAs(unexpected);
        for (TrialRecord r : unexpected) {
            assertThat(messages).filteredOn(m -> m.endsWith(Escape.replayCommand(r, SampleCampaign.PROVENANCE))).hasSize(1);
        }
        assertThat(xml.getDocumentElement().getAttribute("failures")).isEqualTo(Integer.toString(unexpected.size()));
    }

    @Test
    void oneSuitePerModeWhoseCountsAddUp() throws Exception {
        SampleCampaign campaign = SampleCampaign.synthetic(5);
        Document xml = parse(campaign);

        NodeList suites = xml.getElementsByTagName("testsuite");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < suites.getLength(); i++) {
            Element suite = (Element) suites.item(i);
            names.add(suite.getAttribute("name"));
            assertThat(suite.getAttribute("tests")).isEqualTo(Integer.toString(suite.getElementsByTagName("testcase").getLength()));
            assertThat(suite.getAttribute("failures")).isEqualTo(Integer.toString(suite.getElementsByTagName("failure").getLength()));
        }
        assertThat(names).containsExactlyElementsOf(campaign.settings.modes());
    }

    @Test
    void passingTrialsOfOneEntryAndFaultShareOneTestcase() throws Exception {
        Document xml = parse(SampleCampaign.small());

        // SFI_CHECK ran benign/PacketCounter with wild-store twice, both as expected
        NodeList cases = xml.getElementsByTagName("testcase");
        int matching = 0;
        for (int i = 0; i < cases.getLength(); i++) {
            Element c = (Element) cases.item(i);
            if (c.getAttribute("classname").equals("SFI_CHECK.benign/PacketCounter") && c.getAttribute("name").equals("wild-store")) {
                matching++;
                assertThat(c.getAttribute("time")).isEqualTo("0.000"); // 102 + 103 microseconds
            }
        }
        assertThat(matching).isEqualTo(1);
    }

    @Test
    void hostileTextStillGivesWellFormedXml() throws Exception {
        SampleCampaign small = SampleCampaign.small();
        String nasty = "<x a=\"1\">&amp; ]]> \u0000\u0007\u001b[31m \uD800 lone \uDFFF \uFFFE \uD83D\uDCA5 'q'\n\ttab";
        TrialRecord hostile = SampleCampaign.trial("evil/<script>", "wild-store", "memory", "SFI_MASK", 77, Outcome.ESCAPED,
                Outcome.CONTAINED, nasty, nasty, "]]>");
        List<TrialRecord> records = new ArrayList<>(small.records);
        records.add(hostile);
        Document xml = parse(small.with(records, SampleCampaign.findingsOf(records)));

        NodeList failures = xml.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(3);
        Element failure = null;
        for (int i = 0; i < failures.getLength(); i++) {
            Element testcase = (Element) failures.item(i).getParentNode();
            if (testcase.getAttribute("classname").equals("SFI_MASK.evil/<script>")) {
                failure = (Element) failures.item(i);
            }
        }
        assertThat(failure).as("the hostile trial's failure, found by its unescaped class name").isNotNull();
        assertThat(failure.getTextContent())
                .contains("<x a=\"1\">&amp; ]]>", "\uD83D\uDCA5 'q'\n\ttab", "replay: /opt/testbed/testbed replay 'evil/<script>~wild-store~SFI_MASK~77'");
        assertThat(failure.getAttribute("message")).isEqualTo("ESCAPED (expected CONTAINED): /opt/testbed/testbed replay 'evil/<script>~wild-store~SFI_MASK~77'");
    }
}
