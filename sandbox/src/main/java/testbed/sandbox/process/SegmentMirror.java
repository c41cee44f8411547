package testbed.sandbox.process;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import testbed.kernel.PhysicalMemory;
import testbed.kernel.Segment;

/**
 * The parent's copy of what one domain's process holds of its segment, page for page: what keeps
 * the segment coherent between physical memory and the process while control alternates.
 *
 * <p>Before control passes to the process the parent sends the pages where physical memory no
 * longer matches the copy (the kernel wrote a packet into the window, a helper or a snapshot
 * restore changed something) and updates the copy; when control comes back the process's dirty
 * pages are written into physical memory as the domain, so the write monitor attributes them to
 * it and the oracle judges them like any store the domain made. Security boundary: whatever page
 * indices the process sends, nothing outside the segment is written.
 */
final class SegmentMirror {
    private final PhysicalMemory memory;
    private final int domainId;
    private final long base;
    private final int size;
    private final int pages;
    private final byte[] copy;
    /** Reused for the indices of the pages one send carries. */
    private final int[] changed;

    SegmentMirror(PhysicalMemory memory, int domainId, Segment segment) {
        this.memory = memory;
        this.domainId = domainId;
        this.base = segment.base();
        this.size = Math.toIntExact(segment.size());
        this.pages = size >>> Protocol.PAGE_SHIFT;
        this.copy = new byte[size];
        this.changed = new int[pages];
    }

    /** Writes the page set of every page physical memory changed since the process last saw it. */
    void send(DataOutputStream out) throws IOException {
        int count = 0;
        // Reads as the kernel, which maintains the process's address space: the monitor records none of it.
        int previous = memory.actAs(PhysicalMemory.KERNEL);
        try {
            int from = 0;
            while (from < size) {
                int at = memory.mismatch(base + from, copy, from, size - from);
                if (at < 0) {
                    break;
                }
                int page = (from + at) >>> Protocol.PAGE_SHIFT;
                int offset = page << Protocol.PAGE_SHIFT;
                memory.read(base + offset, copy, offset, Protocol.PAGE_SIZE);
                changed[count++] = page;
                from = offset + Protocol.PAGE_SIZE;
            }
        } finally {
            memory.actAs(previous);
        }
        out.writeInt(count);
        for (int k = 0; k < count; k++) {
            int offset = changed[k] << Protocol.PAGE_SHIFT;
            out.writeInt(changed[k]);
            out.write(copy, offset, Protocol.PAGE_SIZE);
        }
    }

    /**
     * Reads a page set the process sent and stores each page into physical memory as the domain.
     *
     * @throws ProtocolViolation for a count or a page index outside the segment
     */
    void receive(DataInputStream in) throws IOException {
        int count = in.readInt();
        if (count < 0 || count > pages) {
            throw new ProtocolViolation("a page set of " + count + " pages for a segment of " + pages);
        }
        for (int k = 0; k < count; k++) {
            int page = in.readInt();
            if (page < 0 || page >= pages) {
                throw new ProtocolViolation("page " + page + " outside a segment of " + pages + " pages");
            }
            int offset = page << Protocol.PAGE_SHIFT;
            in.readFully(copy, offset, Protocol.PAGE_SIZE);
            int previous = memory.actAs(domainId);
            try {
                memory.write(base + offset, copy, offset, Protocol.PAGE_SIZE);
            } finally {
                memory.actAs(previous);
            }
        }
    }
}
