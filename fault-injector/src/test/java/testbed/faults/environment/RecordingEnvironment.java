package testbed.faults.environment;

import java.util.ArrayList;
import java.util.List;

/** A trial environment that records what a fault arms, as text, and says yes or no as told. */
final class RecordingEnvironment implements TrialEnvironment {
    private final byte[] extension;
    private final boolean libraryOs;
    private final boolean packets;
    final List<String> armed = new ArrayList<>();
    String helper;
    int nthCall;
    int status;
    int invocation = -1;
    int frames;
    PacketLength corruption;
    long fuel = -1;

    RecordingEnvironment(byte[] extension, boolean libraryOs, boolean packets) {
        this.extension = extension.clone();
        this.libraryOs = libraryOs;
        this.packets = packets;
    }

    @Override
    public byte[] extensionClass() {
        return extension.clone();
    }

    @Override
    public void failHelper(String helperName, int n, int code) {
        armed.add("failHelper(" + helperName + ", " + n + ", " + code + ")");
        helper = helperName;
        nthCall = n;
        status = code;
    }

    @Override
    public boolean revokeAt(int when, int count) {
        armed.add("revokeAt(" + when + ", " + count + ")");
        invocation = when;
        frames = count;
        return libraryOs;
    }

    @Override
    public boolean corruptPacketLengths(PacketLength how, long seed) {
        armed.add("corruptPacketLengths(" + how + ", " + seed + ")");
        corruption = how;
        return packets;
    }

    @Override
    public void preemptAfter(long units) {
        armed.add("preemptAfter(" + units + ")");
        fuel = units;
    }
}
