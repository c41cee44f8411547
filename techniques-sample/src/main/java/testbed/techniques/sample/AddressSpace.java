package testbed.techniques.sample;

import testbed.technique.Technique;

/**
 * Hardware-style protection written as a plug-in: the class is left as it is, and
 * {@link #needsProcess()} has the testbed define and run it in a child JVM whose memory maps only
 * the domain's segment, so an access outside the segment faults there, as a page fault would in a
 * separate address space, and never reaches the kernel's memory. This is the built-in
 * {@code PROCESS} mode's mechanism; as a plug-in it is the baseline a new technique that needs an
 * address space (a page-table trick, a memory-protection key) starts from.
 *
 * <p>The testbed still meters the class (fuel, allocation, call depth) and judges the trials
 * against the corpus's expectations for {@code PROCESS}.
 */
public final class AddressSpace implements Technique {
    @Override
    public String name() {
        return "address-space";
    }

    @Override
    public boolean needsProcess() {
        return true;
    }

    @Override
    public String description() {
        return "no rewrite: the extension runs in a child process whose memory maps only its segment";
    }

    @Override
    public byte[] rewrite(byte[] verifiedClass, Segment segment) {
        return verifiedClass;
    }
}
