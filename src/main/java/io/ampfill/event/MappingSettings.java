package io.ampfill.event;

/** How records become events: the id length Amplitude is told to accept, and whether events leave the user properties table alone. */
public final class MappingSettings {
    private int minIdLength = 5;
    private boolean skipUserPropertiesSync = false;

    public int minIdLength() {
        return minIdLength;
    }

    /** Must match the min_id_length option sent with each request (Amplitude's default is 5). */
    public MappingSettings minIdLength(int minIdLength) {
        if (minIdLength < 0) {
            throw new IllegalArgumentException("minIdLength must be >= 0: " + minIdLength);
        }
        this.minIdLength = minIdLength;
        return this;
    }

    public boolean skipUserPropertiesSync() {
        return skipUserPropertiesSync;
    }

    /** When true, every event carries $skip_user_properties_sync: historical user properties then cannot overwrite current ones. */
    public MappingSettings skipUserPropertiesSync(boolean skipUserPropertiesSync) {
        this.skipUserPropertiesSync = skipUserPropertiesSync;
        return this;
    }
}
