package testbed.corpus.entries.jvm_escape;

import testbed.corpus.Entry;
import testbed.corpus.Expect;
import testbed.corpus.Family;
import testbed.corpus.Outcome;
import testbed.kernel.api.BootHeader;
import testbed.kernel.api.Context;
import testbed.kernel.api.EventHandler;
import testbed.kernel.api.Memory;

/**
 * A new thread: the handler is itself a {@code Thread}; on every event it starts a copy of itself
 * holding the context, which writes the frame table from outside the call the kernel made. Here
 * the handler waits for it, so the damage is deterministic; a real attacker would not, and the
 * thread would outlive the domain, its budgets and its abort.
 *
 * <p>Represents: threads as the way out of a protection domain's lifetime and accounting, the
 * termination and resource problem of J-Kernel and KaffeOS (Hawblitzel et al. 1998; Back, Hsieh
 * and Lepreau 2000).
 *
 * <p>Expected outcome per protection mode:
 * <ul>
 *   <li>{@code NONE}: ESCAPED. The thread's store lands in the frame table; its checksum and the
 *       frame fsck see it.
 *   <li>{@code SFI_MASK}, {@code SFI_CHECK}, {@code BOUNDS} and every other mode: REJECTED. The
 *       verifier refuses {@code java.lang.Thread}.
 * </ul>
 */
@Entry(family = Family.JVM_ESCAPE,
        threat = "starts a thread that writes kernel memory outside the kernel's call",
        reference = "Hawblitzel et al. 1998, USENIX ATC, Implementing Multiple Protection Domains in Java (J-Kernel); Back, Hsieh and Lepreau 2000, OSDI, KaffeOS",
        expect = {@Expect(mode = "NONE", outcome = Outcome.ESCAPED)},
        otherwise = Outcome.REJECTED)
public final class NewThread extends Thread implements EventHandler {
    private Context captured;

    public NewThread() {
        setDaemon(true);
    }

    @Override
    public boolean guard(Context ctx, int event, long argument) {
        return true;
    }

    @Override
    public long handle(Context ctx, int event, long argument) {
        NewThread worker = new NewThread();
        worker.captured = ctx;
        worker.start();
        try {
            worker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    @Override
    public void run() {
        Memory mem = captured.memory();
        long frameTable = mem.load64(BootHeader.REGIONS + BootHeader.RECORD_SIZE * BootHeader.FRAME_TABLE);
        mem.store32(frameTable, 0x0BADF00D);
    }
}
