package io.ampfill.event;

import com.fasterxml.jackson.core.JsonToken;
import io.ampfill.amplitude.AmplitudeFields;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The line path of {@link RecordMapper}: maps one NDJSON line's bytes straight to the event {@link TreeMapper} would
 * make of it, in one streaming pass with no JSON tree: reading NDJSON is CPU-bound, and building, walking and
 * serialising two trees per line was most of it. The line is read once, by {@link LineTokens}; each top-level value is noted (its output bytes, its canonical form for
 * the insert_id, its nesting depth, its long strings), then TreeMapper's rules are applied to the notes.
 * Nested objects and arrays go out as the raw slice of the input.
 * <p>
 * It returns null to mean "take the tree path" (parse the line, call TreeMapper), which stays the one
 * place that words every rejection. So it returns null for every record TreeMapper would reject, and for what
 * it does not handle: duplicate keys at any level, integers beyond a long, non-finite doubles, values that need
 * a type conversion other than integral ids and time (digits, ISO text or a whole double), property objects given
 * as text, and records with top-level {@code reason} and {@code source} (they may be ampfill's own dead-letter
 * lines, which parsing a line unwraps first). Thread-safe: the scratch state is per thread.
 */
public final class LineMapper {
    private static final ThreadLocal<Pass> PER_THREAD = ThreadLocal.withInitial(Pass::new);

    private final int minIdLength;
    private final boolean skipUserPropertiesSync;
    private final TimeHorizon horizon;

    public LineMapper(MappingSettings settings) {
        this.minIdLength = settings.minIdLength();
        this.skipUserPropertiesSync = settings.skipUserPropertiesSync();
        this.horizon = new TimeHorizon(settings);
    }

    /** The event the bytes [from, from + length) map to, or null when the tree path must decide. Never throws for bad data. */
    public MappedEvent tryMap(byte[] buf, int from, int length) {
        Pass pass = PER_THREAD.get();
        pass.tokens.reset(buf, from, length);
        try {
            return pass.map(buf, minIdLength, skipUserPropertiesSync, horizon);
        } catch (RuntimeException e) {
            if (e == LineTokens.UNUSUAL) {
                return null;
            }
            throw e;
        }
    }

    /** The upload names in canonical (sorted) order: the event's keys, so its canonical form needs no sort. */
    private static final String[] SLOT_NAMES = AmplitudeFields.UPLOAD_FIELDS.stream().sorted().toArray(String[]::new);
    /** Each slot's name as the canonical form writes it, and as the event's JSON does ("name":). */
    private static final byte[][] CANONICAL_SLOT_NAMES = Arrays.stream(SLOT_NAMES).map(name -> {
        CanonicalForm form = new CanonicalForm();
        form.text(name);
        return Arrays.copyOf(form.buffer, form.used());
    }).toArray(byte[][]::new);
    private static final byte[][] JSON_SLOT_NAMES = Arrays.stream(SLOT_NAMES)
            .map(name -> ("\"" + name + "\":").getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    private static final int EVENT_TYPE = slot("event_type");
    private static final int USER_ID = slot("user_id");
    private static final int DEVICE_ID = slot("device_id");
    private static final int TIME = slot("time");
    private static final int INSERT_ID = slot("insert_id");
    private static final int SKIP_SYNC = slot("$skip_user_properties_sync");
    private static final int EVENT_PROPERTIES = slot("event_properties");
    private static final int QUANTITY = slot("quantity");
    private static final int[] LONG_SLOTS = {slot("session_id"), slot("event_id")};
    private static final int[] NUMBER_SLOTS = {slot("price"), slot("revenue"), slot("location_lat"), slot("location_lng")};
    private static final int[] OBJECT_SLOTS = AmplitudeFields.PROPERTY_OBJECTS.stream().mapToInt(LineMapper::slot).toArray();

    /** How a top-level name is handled: its slot (-1: dropped), whether it is an export file's name, its place in the seen-table. */
    private record Name(int slot, boolean renamed, int index) {
    }

    private static final Map<String, Name> NAMES = names();
    /** Slots of each thread's cache of NAMES lookups (a power of two). */
    private static final int KNOWN_CACHE_SIZE = 256;

    private static int slot(String name) {
        return Arrays.binarySearch(SLOT_NAMES, name);
    }

    private static Map<String, Name> names() {
        Map<String, Name> names = new HashMap<>();
        for (String name : SLOT_NAMES) {
            names.put(name, new Name(slot(name), false, names.size()));
        }
        AmplitudeFields.EXPORT_NAMES.forEach((exportName, uploadName) -> names.put(exportName, new Name(slot(uploadName), true, names.size())));
        AmplitudeFields.EXPORT_ONLY.forEach(name -> names.put(name, new Name(-1, false, names.size())));
        return names;
    }

    /** One top-level field as read: what the rules need to know of it, and where its bytes are. */
    private static final class Field {
        String name;
        Name known;
        JsonToken token;
        boolean present;
        /** Where the value's JSON lies in the line's buffer. */
        int outStart;
        int outEnd;
        int canonicalStart;
        int canonicalEnd;
        long integer;
        double real;
        /** Made only for the fields that need it (ids, time). */
        String text;
        int longStrings;
        int depth;
        /** An unknown field that goes into event_properties. */
        boolean merged;
    }

    private static final Comparator<Entry> BY_KEY = Comparator.comparing(e -> e.key);
    /** Objects of up to this many keys are sorted by insertion. */
    private static final int SMALL_OBJECT = 32;

    /** A key of an object being read and the part of the canonical form its key and value take. */
    private static final class Entry {
        String key;
        int start;
        int end;
    }

    /** The scratch state of one thread, reused for every line. */
    private static final class Pass {
        private final LineTokens tokens = new LineTokens();
        private final CanonicalForm form = new CanonicalForm();
        private final JsonOutput out = new JsonOutput();
        private final boolean[] seen = new boolean[NAMES.size()];
        private final String[] knownKeys = new String[KNOWN_CACHE_SIZE];
        private final Name[] knownValues = new Name[KNOWN_CACHE_SIZE];
        /** Per slot, the field that fills it (a name given directly wins over an export file's name), or -1. */
        private final int[] winners = new int[SLOT_NAMES.length];
        /** The slots the event has, in order; set once the rules have run. */
        private final int[] slots = new int[SLOT_NAMES.length];
        private int slotCount;
        private Field[] fields = new Field[0];
        private int fieldCount;
        private Entry[] entries = new Entry[0];
        private int entryCount;
        private int longStrings;
        /** event_properties' keys, kept as entries [propertiesKeys, propertiesKeysEnd) until unknown fields are merged in. */
        private int propertiesKeys;
        private int propertiesKeysEnd;
        /** The canonical form of event_properties with the unknown fields merged in; start -1 when the event has none. */
        private int propertiesStart;
        private int propertiesEnd;
        private boolean reason;
        private boolean source;
        /** The last float read. */
        private double real;

        MappedEvent map(byte[] input, int minIdLength, boolean skipUserPropertiesSync, TimeHorizon horizon) {
            // map() itself has no loop: its loops are in methods of their own, so that the JIT compiles map() once
            // when it has been called often enough, not also once per loop "on stack" (JFR: four C2 compilations of
            // map(), together 40% of the C2 compiler's time in a run of 200,000 events)
            readFields(tokens);
            pickWinners();
            Field eventType = winner(EVENT_TYPE);
            check(eventType != null && eventType.token == JsonToken.VALUE_STRING);
            String userId = id(winner(USER_ID), minIdLength);
            String deviceId = id(winner(DEVICE_ID), minIdLength);
            check(userId != null || deviceId != null);
            long time = time(winner(TIME), horizon);
            Field insertIdField = winner(INSERT_ID);
            String insertId = insertIdField == null ? null : idText(insertIdField);
            checkTypes();
            int longStrings = mergeEventProperties();
            longStrings += collectSlots();
            if (insertId == null) {
                insertId = form.insertId(canonicalEvent(time), form.used());
            }
            int start = out.used();
            writeEvent(input, userId, deviceId, time);
            if (insertIdField == null) {
                out.ascii(",\"insert_id\":\"");
                out.ascii(insertId);
                out.put('"');
            }
            if (skipUserPropertiesSync && winner(SKIP_SYNC) == null) {
                out.ascii(",\"$skip_user_properties_sync\":true");
            }
            out.put('}');
            return new MappedEvent(deviceId, userId, insertId, time, out.toArray(start, out.used()), longStrings);
        }

        /** Per slot, the field that fills it: a name given directly wins over an export file's name. */
        private void pickWinners() {
            Arrays.fill(winners, -1);
            for (int f = 0; f < fieldCount; f++) {
                Field field = fields[f];
                if (field.present && field.known != null) {
                    // a slot has at most one field of each kind (a name twice leaves the line path)
                    int slot = field.known.slot();
                    if (winners[slot] < 0 || fields[winners[slot]].known.renamed()) {
                        winners[slot] = f;
                    }
                }
            }
        }

        /**
         * Lists the event's fields in slot (canonical) order: the winners, and event_properties when there are any;
         * returns the long strings of those but event_properties and time.
         */
        private int collectSlots() {
            slotCount = 0;
            int longStrings = 0;
            for (int slot = 0; slot < SLOT_NAMES.length; slot++) {
                if (slot == EVENT_PROPERTIES ? propertiesStart >= 0 : winners[slot] >= 0) {
                    slots[slotCount++] = slot;
                    // time goes out as a number, whatever text it came as
                    if (slot != EVENT_PROPERTIES && slot != TIME) {
                        longStrings += winner(slot).longStrings;
                    }
                }
            }
            return longStrings;
        }

        private static void check(boolean usual) {
            if (!usual) {
                throw LineTokens.UNUSUAL;
            }
        }

        private Field winner(int slot) {
            int f = winners[slot];
            return f < 0 ? null : fields[f];
        }

        // ---- reading: one pass over the line, noting each top-level field

        private void readFields(LineTokens p) {
            form.reset();
            out.reset();
            Arrays.fill(seen, false);
            fieldCount = 0;
            entryCount = 0;
            longStrings = 0;
            propertiesKeys = -1;
            propertiesKeysEnd = -1;
            reason = false;
            source = false;
            check(p.nextToken() == JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                Name known = known(name);
                JsonToken token = p.nextToken();
                if (known != null) {
                    check(!seen[known.index()]);
                    seen[known.index()] = true;
                    if (known.slot() < 0) {
                        p.skipChildren(); // export-only: dropped
                        continue;
                    }
                } else {
                    checkNewUnknown(name);
                }
                Field field = nextField();
                field.name = name;
                field.known = known;
                field.token = token;
                read(p, field, known != null && known.slot() == EVENT_PROPERTIES);
            }
            check(p.nextToken() == null && !(reason && source));
        }

        /**
         * NAMES.get(name), remembered by the name's identity: LineTokens gives the same String for the same name
         * from line to line, so this spares the map's byte-by-byte comparison of every field name of every line.
         */
        private Name known(String name) {
            int slot = name.hashCode() & (KNOWN_CACHE_SIZE - 1);
            if (knownKeys[slot] != name) {
                knownKeys[slot] = name;
                knownValues[slot] = NAMES.get(name);
            }
            return knownValues[slot];
        }

        private void checkNewUnknown(String name) {
            for (int f = 0; f < fieldCount; f++) {
                check(fields[f].known != null || !fields[f].name.equals(name));
            }
            reason |= name.equals("reason");
            source |= name.equals("source");
        }

        private Field nextField() {
            fields = withRoom(fields, fieldCount, Field::new);
            Field field = fields[fieldCount++];
            field.text = null;
            return field;
        }

        private void read(LineTokens p, Field field, boolean keepKeys) {
            JsonToken token = field.token;
            int longStringsBefore = longStrings;
            field.canonicalStart = form.used();
            field.present = token != JsonToken.VALUE_NULL;
            field.outStart = p.tokenStart();
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                field.depth = keepKeys && token == JsonToken.START_OBJECT ? keptObject(p) : container(p, token);
            } else {
                field.depth = 0;
                scalar(p, token);
                if (token == JsonToken.VALUE_STRING) {
                    field.present = p.textLength() > 0;
                    if (field.known != null && (field.known.slot() == USER_ID || field.known.slot() == DEVICE_ID
                            || field.known.slot() == INSERT_ID || field.known.slot() == TIME)) {
                        field.text = p.text();
                    }
                } else if (token == JsonToken.VALUE_NUMBER_INT) {
                    field.integer = p.longValue();
                } else if (token == JsonToken.VALUE_NUMBER_FLOAT) {
                    field.real = real;
                }
            }
            // the value's text as given goes out: the tokens checked it is strict JSON
            field.outEnd = p.tokenEnd();
            field.canonicalEnd = form.used();
            field.longStrings = longStrings - longStringsBefore;
        }

        /** Writes the canonical form of the current value; returns its nesting depth (0 for a scalar). */
        private int value(LineTokens p, JsonToken token) {
            if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                return container(p, token);
            }
            scalar(p, token);
            return 0;
        }

        private void scalar(LineTokens p, JsonToken token) {
            switch (token) {
                case VALUE_STRING -> {
                    if (p.textChars() > AmplitudeFields.MAX_STRING_LENGTH) {
                        longStrings++;
                    }
                    form.utf8(p.textBuffer(), p.textStart(), p.textLength());
                }
                case VALUE_NUMBER_INT -> {
                    // JSON integers have no leading zeros, so the text is Long.toString's but for -0
                    if (p.longValue() == 0) {
                        form.integer(0);
                    } else {
                        form.utf8(p.line(), p.tokenStart(), p.tokenEnd() - p.tokenStart());
                    }
                }
                case VALUE_NUMBER_FLOAT -> {
                    real = p.doubleValue();
                    check(Double.isFinite(real));
                    form.decimal(real);
                }
                case VALUE_TRUE -> form.text("true");
                case VALUE_FALSE -> form.text("false");
                case VALUE_NULL -> form.put('n');
                default -> throw LineTokens.UNUSUAL;
            }
        }

        private int container(LineTokens p, JsonToken token) {
            int depth = 1;
            if (token == JsonToken.START_ARRAY) {
                form.put('[');
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    depth = Math.max(depth, 1 + value(p, t));
                }
                form.put(']');
                return depth;
            }
            int base = entryCount;
            form.put('{');
            int contentStart = form.used();
            depth = entriesOfObject(p);
            sortEntries(base);
            if (!inOrder(base, contentStart)) {
                int tail = form.used();
                for (int i = base; i < entryCount; i++) {
                    form.copy(entries[i].start, entries[i].end);
                }
                form.moveBack(tail, contentStart);
            }
            form.put('}');
            entryCount = base;
            return depth;
        }

        /** event_properties: its keys stay entries, to be merged with unknown fields and sorted at the end. */
        private int keptObject(LineTokens p) {
            propertiesKeys = entryCount;
            int depth = entriesOfObject(p);
            propertiesKeysEnd = entryCount;
            return depth;
        }

        /** Reads an object's fields into entries (key and value in the canonical form); returns the object's depth. */
        private int entriesOfObject(LineTokens p) {
            int depth = 1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                if (p.textChars() > AmplitudeFields.MAX_STRING_LENGTH) {
                    longStrings++;
                }
                int start = form.used();
                form.utf8(p.textBuffer(), p.textStart(), p.textLength());
                depth = Math.max(depth, 1 + value(p, p.nextToken()));
                pushEntry(key, start, form.used());
            }
            return depth;
        }

        private void pushEntry(String key, int start, int end) {
            entries = withRoom(entries, entryCount, Entry::new);
            Entry entry = entries[entryCount++];
            entry.key = key;
            entry.start = start;
            entry.end = end;
        }

        /** The pool, or a bigger one, with room for one more: its objects are reused from line to line. */
        private static <T> T[] withRoom(T[] pool, int used, Supplier<T> fresh) {
            if (used < pool.length) {
                return pool;
            }
            T[] grown = Arrays.copyOf(pool, Math.max(16, pool.length * 2));
            for (int i = used; i < grown.length; i++) {
                grown[i] = fresh.get();
            }
            return grown;
        }

        /** Sorts by key, as ContentInsertId sorts; a key twice leaves the line path. */
        private void sortEntries(int base) {
            if (entryCount - base > SMALL_OBJECT) {
                Arrays.sort(entries, base, entryCount, BY_KEY);
            } else {
                // an insertion sort of its own: Arrays.sort's TimSort compiled into several large copies, a tenth
                // of the JIT's C2 time in a run of 200,000 events (JFR), to sort objects of a few keys
                for (int i = base + 1; i < entryCount; i++) {
                    Entry entry = entries[i];
                    int j = i;
                    while (j > base && entries[j - 1].key.compareTo(entry.key) > 0) {
                        entries[j] = entries[j - 1];
                        j--;
                    }
                    entries[j] = entry;
                }
            }
            for (int i = base + 1; i < entryCount; i++) {
                check(!entries[i - 1].key.equals(entries[i].key));
            }
        }

        /** Whether the sorted entries already lie in order from contentStart on, so nothing needs to move. */
        private boolean inOrder(int base, int contentStart) {
            int expected = contentStart;
            for (int i = base; i < entryCount; i++) {
                if (entries[i].start != expected) {
                    return false;
                }
                expected = entries[i].end;
            }
            return true;
        }

        // ---- TreeMapper's rules, applied to the notes

        private String id(Field field, int minIdLength) {
            if (field == null) {
                return null;
            }
            String id = idText(field);
            check(!AmplitudeFields.refusedId(id) && id.length() >= minIdLength);
            return id;
        }

        /** user_id, device_id, insert_id: a string, or an integer taken as its digits. */
        private static String idText(Field field) {
            if (field.token == JsonToken.VALUE_NUMBER_INT) {
                return Long.toString(field.integer);
            }
            check(field.token == JsonToken.VALUE_STRING);
            return field.text;
        }

        /** time as epoch milliseconds, where FieldCoercion.time takes it as it is; any other time is the tree path's to word. */
        private static long time(Field field, TimeHorizon horizon) {
            check(field != null);
            long millis;
            boolean date = false;
            if (field.token == JsonToken.VALUE_NUMBER_INT) {
                millis = field.integer;
            } else if (field.token == JsonToken.VALUE_NUMBER_FLOAT && FieldCoercion.isWhole(field.real)) {
                millis = (long) field.real;
            } else {
                check(field.token == JsonToken.VALUE_STRING);
                String text = field.text.strip();
                millis = FieldCoercion.integerText(text);
                if (millis == FieldCoercion.NOT_AN_INTEGER) {
                    date = true;
                    millis = EventTime.iso(text);
                    check(millis != EventTime.NOT_A_TIME);
                }
            }
            check(date ? millis >= 0 : EventTime.plausibleMillis(millis));
            check(!horizon.beyond(millis));
            return millis;
        }

        /** The typed fields must already have their type: converting one is the tree path's work. */
        private void checkTypes() {
            for (int slot : LONG_SLOTS) {
                Field field = winner(slot);
                // Long.MIN_VALUE is FieldCoercion's "not an integer": the tree path refuses it
                check(field == null || (field.token == JsonToken.VALUE_NUMBER_INT && field.integer != FieldCoercion.NOT_AN_INTEGER));
            }
            Field quantity = winner(QUANTITY);
            check(quantity == null || (quantity.token == JsonToken.VALUE_NUMBER_INT
                    && quantity.integer >= Integer.MIN_VALUE && quantity.integer <= Integer.MAX_VALUE));
            for (int slot : NUMBER_SLOTS) {
                Field field = winner(slot);
                check(field == null || field.token == JsonToken.VALUE_NUMBER_INT || field.token == JsonToken.VALUE_NUMBER_FLOAT);
            }
            Field skipSync = winner(SKIP_SYNC);
            check(skipSync == null || skipSync.token == JsonToken.VALUE_TRUE || skipSync.token == JsonToken.VALUE_FALSE);
            for (int slot : OBJECT_SLOTS) {
                Field field = winner(slot);
                check(field == null || (field.token == JsonToken.START_OBJECT && field.depth <= AmplitudeFields.MAX_NESTING));
            }
        }

        /** Whether a present unknown field goes into event_properties: not when event_properties has its name. */
        private boolean merged(Field field) {
            if (field.known != null || !field.present) {
                return false;
            }
            for (int i = propertiesKeys; i >= 0 && i < propertiesKeysEnd; i++) {
                if (entries[i].key.equals(field.name)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Writes the canonical form of event_properties with the unknown fields merged in, checks its depth, and
         * counts the long strings the unknown fields bring; returns event_properties' long strings.
         */
        private int mergeEventProperties() {
            Field properties = winner(EVENT_PROPERTIES);
            int base = properties != null ? propertiesKeys : entryCount;
            int depth = properties != null ? properties.depth : 1;
            int longStrings = properties != null ? properties.longStrings : 0;
            boolean any = properties != null;
            for (int f = 0; f < fieldCount; f++) {
                Field field = fields[f];
                field.merged = merged(field);
                if (field.merged) {
                    any = true;
                    depth = Math.max(depth, 1 + field.depth);
                    longStrings += field.longStrings + (field.name.length() > AmplitudeFields.MAX_STRING_LENGTH ? 1 : 0);
                    int start = form.used();
                    form.text(field.name);
                    form.copy(field.canonicalStart, field.canonicalEnd);
                    pushEntry(field.name, start, form.used());
                }
            }
            check(depth <= AmplitudeFields.MAX_NESTING);
            if (any) {
                sortEntries(base);
                propertiesStart = form.used();
                form.put('{');
                for (int i = base; i < entryCount; i++) {
                    form.copy(entries[i].start, entries[i].end);
                }
                form.put('}');
                propertiesEnd = form.used();
            } else {
                propertiesStart = -1;
            }
            return longStrings;
        }

        /** Writes the event's canonical form, keys in slot order (already sorted); returns where it starts. */
        private int canonicalEvent(long time) {
            int start = form.used();
            form.put('{');
            for (int i = 0; i < slotCount; i++) {
                int slot = slots[i];
                Field field = winner(slot);
                form.bytes(CANONICAL_SLOT_NAMES[slot]);
                if (slot == TIME && field.token != JsonToken.VALUE_NUMBER_INT) {
                    form.integer(time); // converted from text: a number now
                } else if (slot == EVENT_PROPERTIES) {
                    form.copy(propertiesStart, propertiesEnd);
                } else {
                    form.copy(field.canonicalStart, field.canonicalEnd);
                }
            }
            form.put('}');
            return start;
        }

        /** Writes the event's JSON, but for its closing brace. */
        private void writeEvent(byte[] input, String userId, String deviceId, long time) {
            out.put('{');
            boolean first = true;
            for (int i = 0; i < slotCount; i++) {
                int slot = slots[i];
                Field field = winner(slot);
                if (!first) {
                    out.put(',');
                }
                first = false;
                out.bytes(JSON_SLOT_NAMES[slot]);
                if (slot == TIME && field.token != JsonToken.VALUE_NUMBER_INT) {
                    out.digits(time);
                } else if ((slot == USER_ID || slot == DEVICE_ID || slot == INSERT_ID) && field.token == JsonToken.VALUE_NUMBER_INT) {
                    out.string(slot == USER_ID ? userId : slot == DEVICE_ID ? deviceId : Long.toString(field.integer));
                } else if (slot == EVENT_PROPERTIES) {
                    writeEventProperties(input, field);
                } else {
                    writeValue(input, field);
                }
            }
        }

        private void writeValue(byte[] input, Field field) {
            out.bytes(input, field.outStart, field.outEnd);
        }

        /** event_properties as given (raw), with the merged unknown fields appended before its closing brace. */
        private void writeEventProperties(byte[] input, Field properties) {
            boolean empty;
            if (properties != null) {
                // up to, not including, the closing brace
                out.bytes(input, properties.outStart, properties.outEnd - 1);
                empty = propertiesKeysEnd == propertiesKeys;
            } else {
                out.put('{');
                empty = true;
            }
            for (int f = 0; f < fieldCount; f++) {
                Field field = fields[f];
                if (field.merged) {
                    if (!empty) {
                        out.put(',');
                    }
                    empty = false;
                    out.string(field.name);
                    out.put(':');
                    writeValue(input, field);
                }
            }
            out.put('}');
        }
    }
}
