package testbed.kernel;

/**
 * A VINO-style transaction around one invocation of a domain: while it is open, every change
 * the domain's helper calls make to kernel state is recorded in an undo log. {@link #commit()}
 * keeps the changes, {@link #rollback()} undoes them; either closes it. The abort protocol
 * rolls back the open transaction of the aborted domain. At most one transaction is open in a
 * kernel at a time, since the kernel runs one invocation at a time.
 *
 * <p>Payload bytes that a helper copies into free ring slots or log entries are not logged:
 * rolling back the ring's indices makes them dead data again. Every word of kernel bookkeeping
 * is logged.
 */
public final class Transaction {
    private final Transactions transactions;
    private final Domain domain;
    private boolean open = true;
    private int changes;

    Transaction(Transactions transactions, Domain domain) {
        this.transactions = transactions;
        this.domain = domain;
    }

    /** The domain whose invocation this transaction covers. */
    public Domain domain() {
        return domain;
    }

    /** Whether neither commit nor rollback has happened yet. */
    public boolean isOpen() {
        return open;
    }

    /** Number of kernel words recorded so far (or at close). */
    public int changes() {
        return open ? transactions.undoSize() : changes;
    }

    /** Keeps the recorded changes and closes the transaction. */
    public void commit() {
        transactions.close(this, false);
    }

    /** Undoes the recorded changes, newest first, and closes the transaction. */
    public void rollback() {
        transactions.close(this, true);
    }

    void closed(int count) {
        changes = count;
        open = false;
    }
}
