package testbed.kernel;

import testbed.kernel.api.Status;

/**
 * The kernel's transaction: at most one open at a time (the kernel runs one invocation at a
 * time), its undo log, and the entry into helpers, which records the kernel words a helper
 * changes while the transaction of its domain is open.
 */
final class Transactions {
    private final PhysicalMemory memory;
    private final KernelMemory kernelMemory;
    private final Domains domains;
    private final UndoLog undo = new UndoLog();
    private Transaction open;

    Transactions(KernelStructures s, Domains domains) {
        this.memory = s.memory;
        this.kernelMemory = s.kernelMemory;
        this.domains = domains;
    }

    /** The open transaction, or null. */
    Transaction open() {
        return open;
    }

    /** See {@link Kernel#begin}. */
    Transaction begin(Domain domain) {
        domains.requireCurrent("begin", domain);
        if (open != null) {
            throw new KernelException(Status.EBUSY, "begin: a transaction of " + open.domain() + " is still open");
        }
        if (domains.isAborted(domain.id())) {
            throw new KernelException(Status.EPERM, "begin: " + domain + " is aborted");
        }
        undo.clear();
        open = new Transaction(this, domain);
        return open;
    }

    void close(Transaction transaction, boolean rollBack) {
        if (transaction != open || !transaction.isOpen()) {
            throw new IllegalStateException("transaction of " + transaction.domain() + " is not open");
        }
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        try {
            closeOpen(rollBack);
        } finally {
            memory.actAs(prev);
        }
    }

    /** Rolls back the open transaction if it is {@code domain}'s; the caller runs as the kernel. */
    void rollBackFor(Domain domain) {
        if (open != null && open.domain() == domain) {
            closeOpen(true);
        }
    }

    private void closeOpen(boolean rollBack) {
        int count = undo.size();
        if (rollBack) {
            undo.rollBack(memory);
        }
        undo.clear();
        open.closed(count);
        open = null;
    }

    int undoSize() {
        return undo.size();
    }

    /** Drops the open transaction without rolling it back: restoring a snapshot overwrites what it changed. */
    void drop() {
        if (open != null) {
            open.closed(0);
            open = null;
        }
        undo.clear();
        kernelMemory.record(null);
    }

    /** Charges the call to the domain's helper meter, then runs the rest as the kernel; a refused charge changes nothing. */
    int enterHelper(Domain domain, String helper) {
        domain.helperMeter().charge(helper);
        int prev = memory.actAs(PhysicalMemory.KERNEL);
        kernelMemory.record(open != null && open.domain() == domain ? undo : null);
        return prev;
    }

    void exitHelper(int prev) {
        kernelMemory.record(null);
        memory.actAs(prev);
    }
}
