package testbed.sandbox.verify;

/**
 * A structural check of the class file container, run before ASM reads a byte of it.
 *
 * <p>ASM trusts lengths and indices: a huge {@code code_length} or attribute length makes it
 * allocate that much before reading, and a constant pool entry of the wrong kind is read as
 * garbage; how deep it lets annotations nest depends on its version. This walk bounds all of
 * that whatever the ASM version: every
 * length stays inside the bytes, every constant pool reference points at an entry of the right
 * kind, annotations nest at most {@value #MAX_ANNOTATION_DEPTH} deep, and the class ends exactly
 * at the last byte. It also makes ASM and the JVM read the same names: strings must be strict
 * modified UTF-8 (no overlong forms but the two-byte NUL, no four-byte forms), so no name can
 * decode one way here and another way in the JVM.
 */
final class ClassFileFormat {
    /** Java 8: the oldest version whose classes must carry stack maps and cannot use {@code jsr}/{@code ret}. */
    static final int MIN_MAJOR = 52;
    /** Java 25. */
    static final int MAX_MAJOR = 69;
    static final int MAX_ANNOTATION_DEPTH = 32;

    private static final int UTF8 = 1;
    private static final int CLASS = 7;
    private static final int FIELDREF = 9;
    private static final int METHODREF = 10;
    private static final int INTERFACE_METHODREF = 11;
    private static final int NAME_AND_TYPE = 12;

    /** Thrown inside the walk; becomes a {@link Rule#MALFORMED} rejection. */
    private static final class Malformed extends RuntimeException {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private final byte[] b;
    private int pos;
    private int limit;
    private int major;
    private byte[] tags;
    private int[] offsets;
    private String className = Rejection.UNKNOWN_CLASS;

    private ClassFileFormat(byte[] bytes) {
        this.b = bytes;
        this.limit = bytes.length;
    }

    /**
     * Checks the container of a class file.
     *
     * @return the class's binary name
     * @throws Rejection with {@link Rule#MALFORMED} if the container is broken
     */
    static String check(byte[] bytes) throws Rejection {
        ClassFileFormat f = new ClassFileFormat(bytes);
        try {
            f.classFile();
            return f.className;
        } catch (Malformed m) {
            throw Rejection.ofClass(Rule.MALFORMED, f.className, m.getMessage());
        }
    }

    private void classFile() {
        if (b.length == 0) {
            throw new Malformed("empty input: no class file bytes");
        }
        need(8, "header");
        int magic = u4();
        if (magic != 0xCAFEBABE) {
            throw new Malformed(String.format("bad magic 0x%08X, expected 0xCAFEBABE", magic));
        }
        int minor = u2();
        major = u2();
        if (major < MIN_MAJOR || major > MAX_MAJOR) {
            throw new Malformed("unsupported class file version " + major + "." + minor + ": supported are "
                    + MIN_MAJOR + " (Java 8) to " + MAX_MAJOR + " (Java 25)");
        }
        if (minor != 0) {
            throw new Malformed("class file version " + major + "." + minor + ": "
                    + (minor == 0xFFFF ? "preview features are not supported" : "the minor version must be 0"));
        }
        constantPool();
        need(8, "class header");
        u2();
        int thisClass = u2();
        ref(thisClass, CLASS, "this_class");
        className = utf8(u2At(offsets[thisClass])).replace('/', '.');
        int superClass = u2();
        if (superClass != 0) {
            ref(superClass, CLASS, "super_class");
        }
        int interfaces = u2();
        need(2 * interfaces, "interfaces");
        for (int i = 0; i < interfaces; i++) {
            ref(u2(), CLASS, "interface");
        }
        members("field", false);
        members("method", true);
        attributes("class", false);
        if (pos != b.length) {
            throw new Malformed((b.length - pos) + " trailing bytes after the end of the class file");
        }
    }

    private void constantPool() {
        need(2, "constant pool count");
        int count = u2();
        if (count == 0) {
            throw new Malformed("corrupt constant pool: count is 0");
        }
        tags = new byte[count];
        offsets = new int[count];
        for (int i = 1; i < count; i++) {
            need(1, "constant pool entry " + i);
            int tag = u1();
            tags[i] = (byte) tag;
            offsets[i] = pos;
            switch (tag) {
                case UTF8:
                    need(2, "constant pool entry " + i);
                    int length = u2();
                    need(length, "constant pool entry " + i);
                    checkModifiedUtf8(pos, length, i);
                    pos += length;
                    break;
                case 3: case 4:
                    skip(4, i);
                    break;
                case 5: case 6:
                    skip(8, i);
                    if (i + 1 >= count) {
                        throw new Malformed("corrupt constant pool: entry " + i + " is a long or double in the last slot");
                    }
                    i++;
                    break;
                case CLASS: case 8: case 16:
                    skip(2, i);
                    break;
                case FIELDREF: case METHODREF: case INTERFACE_METHODREF: case NAME_AND_TYPE: case 18:
                    skip(4, i);
                    break;
                case 15:
                    skip(3, i);
                    break;
                case 17:
                    if (major < 55) {
                        throw new Malformed("corrupt constant pool: entry " + i + " is a dynamic constant, which needs version 55");
                    }
                    skip(4, i);
                    break;
                default:
                    throw new Malformed("corrupt constant pool: entry " + i + " has unknown tag " + tag);
            }
        }
        for (int i = 1; i < count; i++) {
            int at = offsets[i];
            switch (tags[i]) {
                case CLASS: case 8: case 16:
                    ref(u2At(at), UTF8, "constant pool entry " + i);
                    break;
                case FIELDREF: case METHODREF: case INTERFACE_METHODREF:
                    ref(u2At(at), CLASS, "constant pool entry " + i);
                    ref(u2At(at + 2), NAME_AND_TYPE, "constant pool entry " + i);
                    break;
                case NAME_AND_TYPE:
                    ref(u2At(at), UTF8, "constant pool entry " + i);
                    ref(u2At(at + 2), UTF8, "constant pool entry " + i);
                    break;
                case 15:
                    methodHandle(i, b[at] & 0xFF, u2At(at + 1));
                    break;
                case 17: case 18:
                    ref(u2At(at + 2), NAME_AND_TYPE, "constant pool entry " + i);
                    break;
                default:
                    break;
            }
        }
    }

    private void methodHandle(int entry, int kind, int reference) {
        String what = "constant pool entry " + entry;
        if (kind >= 1 && kind <= 4) {
            ref(reference, FIELDREF, what);
        } else if (kind == 5 || kind == 8) {
            ref(reference, METHODREF, what);
        } else if (kind == 6 || kind == 7) {
            if (!isEntry(reference, METHODREF)) {
                ref(reference, INTERFACE_METHODREF, what);
            }
        } else if (kind == 9) {
            ref(reference, INTERFACE_METHODREF, what);
        } else {
            throw new Malformed("corrupt constant pool: entry " + entry + " is a method handle of unknown kind " + kind);
        }
    }

    private void members(String kind, boolean methods) {
        need(2, kind + " count");
        int count = u2();
        for (int i = 0; i < count; i++) {
            need(6, kind + " " + i);
            u2();
            ref(u2(), UTF8, kind + " name");
            ref(u2(), UTF8, kind + " descriptor");
            attributes(kind, methods);
        }
    }

    private void attributes(String owner, boolean method) {
        need(2, owner + " attribute count");
        int count = u2();
        for (int i = 0; i < count; i++) {
            need(6, owner + " attribute");
            int nameIndex = u2();
            ref(nameIndex, UTF8, owner + " attribute name");
            long length = u4() & 0xFFFFFFFFL;
            String name = utf8(nameIndex);
            if (length > limit - pos) {
                throw new Malformed("truncated class file: " + owner + " attribute " + name + " claims " + length
                        + " bytes, " + (limit - pos) + " are left");
            }
            int end = pos + (int) length;
            int outer = limit;
            limit = end;
            attribute(name, method);
            limit = outer;
            pos = end;
        }
    }

    private void attribute(String name, boolean method) {
        switch (name) {
            case "Code":
                if (method) {
                    code();
                }
                break;
            case "RuntimeVisibleAnnotations":
            case "RuntimeInvisibleAnnotations":
                annotations();
                break;
            case "RuntimeVisibleParameterAnnotations":
            case "RuntimeInvisibleParameterAnnotations":
                need(1, name);
                for (int p = u1(); p > 0; p--) {
                    annotations();
                }
                break;
            case "AnnotationDefault":
                elementValue(1);
                break;
            case "RuntimeVisibleTypeAnnotations":
            case "RuntimeInvisibleTypeAnnotations":
                need(2, name);
                for (int n = u2(); n > 0; n--) {
                    typeAnnotation();
                }
                break;
            case "Record":
                need(2, name);
                for (int n = u2(); n > 0; n--) {
                    need(4, "record component");
                    ref(u2(), UTF8, "record component name");
                    ref(u2(), UTF8, "record component descriptor");
                    attributes("record component", false);
                }
                break;
            default:
                break;
        }
    }

    private void code() {
        int end = limit;
        need(8, "Code attribute");
        u2();
        u2();
        long codeLength = u4() & 0xFFFFFFFFL;
        if (codeLength == 0 || codeLength > 65535) {
            throw new Malformed("Code attribute with code_length " + codeLength + " (must be 1 to 65535)");
        }
        need((int) codeLength, "code");
        pos += (int) codeLength;
        need(2, "exception table length");
        int handlers = u2();
        need(8 * handlers, "exception table");
        for (int i = 0; i < handlers; i++) {
            int start = u2();
            int stop = u2();
            int handler = u2();
            int type = u2();
            if (start >= stop || stop > codeLength || handler >= codeLength) {
                throw new Malformed("exception table entry " + i + " [" + start + ", " + stop + ") -> " + handler
                        + " lies outside the " + codeLength + " bytes of code");
            }
            if (type != 0) {
                ref(type, CLASS, "exception table entry " + i);
            }
        }
        attributes("Code", false);
        if (pos != end) {
            throw new Malformed("Code attribute is " + (end - pos) + " bytes longer than its contents");
        }
    }

    private void annotations() {
        need(2, "annotations");
        for (int n = u2(); n > 0; n--) {
            annotation(1);
        }
    }

    private void annotation(int depth) {
        need(4, "annotation");
        u2();
        for (int pairs = u2(); pairs > 0; pairs--) {
            need(2, "annotation element");
            u2();
            elementValue(depth + 1);
        }
    }

    private void elementValue(int depth) {
        if (depth > MAX_ANNOTATION_DEPTH) {
            throw new Malformed("annotations nested deeper than " + MAX_ANNOTATION_DEPTH);
        }
        need(1, "annotation element value");
        int tag = u1();
        switch (tag) {
            case 'B': case 'C': case 'D': case 'F': case 'I': case 'J': case 'S': case 'Z': case 's': case 'c':
                need(2, "annotation element value");
                pos += 2;
                break;
            case 'e':
                need(4, "annotation element value");
                pos += 4;
                break;
            case '@':
                annotation(depth);
                break;
            case '[':
                need(2, "annotation array");
                for (int n = u2(); n > 0; n--) {
                    elementValue(depth + 1);
                }
                break;
            default:
                throw new Malformed("annotation element value with unknown tag " + tag);
        }
    }

    private void typeAnnotation() {
        need(1, "type annotation");
        int target = u1();
        switch (target) {
            case 0x00: case 0x01: case 0x16:
                need(1, "type annotation target");
                pos += 1;
                break;
            case 0x10: case 0x11: case 0x12: case 0x17: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46:
                need(2, "type annotation target");
                pos += 2;
                break;
            case 0x13: case 0x14: case 0x15:
                break;
            case 0x40: case 0x41:
                need(2, "type annotation target");
                int entries = u2();
                need(6 * entries, "type annotation target");
                pos += 6 * entries;
                break;
            case 0x47: case 0x48: case 0x49: case 0x4A: case 0x4B:
                need(3, "type annotation target");
                pos += 3;
                break;
            default:
                throw new Malformed("type annotation with unknown target type 0x" + Integer.toHexString(target));
        }
        need(1, "type path");
        int steps = u1();
        need(2 * steps, "type path");
        pos += 2 * steps;
        annotation(1);
    }

    /** Strict modified UTF-8: no NUL byte, no overlong form but {@code C0 80}, no four-byte forms. */
    private void checkModifiedUtf8(int start, int length, int entry) {
        int i = start;
        int end = start + length;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c != 0 && c < 0x80) {
                i++;
            } else if ((c & 0xE0) == 0xC0 && i + 1 < end && continuation(b[i + 1])) {
                int value = ((c & 0x1F) << 6) | (b[i + 1] & 0x3F);
                if (value != 0 && value < 0x80) {
                    throw badUtf8(entry, i);
                }
                i += 2;
            } else if ((c & 0xF0) == 0xE0 && i + 2 < end && continuation(b[i + 1]) && continuation(b[i + 2])) {
                int value = ((c & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F);
                if (value < 0x800) {
                    throw badUtf8(entry, i);
                }
                i += 3;
            } else {
                throw badUtf8(entry, i);
            }
        }
    }

    private static boolean continuation(byte x) {
        return (x & 0xC0) == 0x80;
    }

    private Malformed badUtf8(int entry, int at) {
        return new Malformed("corrupt constant pool: entry " + entry + " is not modified UTF-8 (byte 0x"
                + Integer.toHexString(b[at] & 0xFF) + " at offset " + at + ")");
    }

    /** Decodes a checked UTF-8 entry. */
    private String utf8(int index) {
        int at = offsets[index];
        int length = u2At(at);
        StringBuilder s = new StringBuilder(length);
        int i = at + 2;
        int end = i + length;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                s.append((char) c);
                i++;
            } else if ((c & 0xE0) == 0xC0) {
                s.append((char) (((c & 0x1F) << 6) | (b[i + 1] & 0x3F)));
                i += 2;
            } else {
                s.append((char) (((c & 0x0F) << 12) | ((b[i + 1] & 0x3F) << 6) | (b[i + 2] & 0x3F)));
                i += 3;
            }
        }
        return s.toString();
    }

    private boolean isEntry(int index, int tag) {
        return index > 0 && index < tags.length && tags[index] == tag;
    }

    private void ref(int index, int tag, String what) {
        if (!isEntry(index, tag)) {
            throw new Malformed("corrupt constant pool: " + what + " refers to entry " + index + ", which is not a "
                    + tagName(tag));
        }
    }

    private static String tagName(int tag) {
        switch (tag) {
            case UTF8: return "Utf8";
            case CLASS: return "Class";
            case FIELDREF: return "Fieldref";
            case METHODREF: return "Methodref";
            case INTERFACE_METHODREF: return "InterfaceMethodref";
            case NAME_AND_TYPE: return "NameAndType";
            default: return "tag " + tag;
        }
    }

    private void need(int n, String what) {
        if (n < 0 || n > limit - pos) {
            throw new Malformed("truncated class file: " + what + " at offset " + pos + " needs " + n + " bytes, "
                    + Math.max(0, limit - pos) + " are left");
        }
    }

    private void skip(int n, int entry) {
        need(n, "constant pool entry " + entry);
        pos += n;
    }

    private int u1() {
        return b[pos++] & 0xFF;
    }

    private int u2() {
        int v = u2At(pos);
        pos += 2;
        return v;
    }

    private int u4() {
        int v = ((b[pos] & 0xFF) << 24) | ((b[pos + 1] & 0xFF) << 16) | ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    private int u2At(int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }
}
