package io.ampfill.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;

/** What the emulator answers to one /batch request: a status and an Amplitude-shaped JSON body, or a dropped connection. */
final class EmulatorAnswer {

    /** Status recorded for a connection dropped without an answer. */
    static final int RESET_STATUS = 0;

    static final EmulatorAnswer RESET = new EmulatorAnswer(RESET_STATUS, new byte[0]);
    static final EmulatorAnswer NOT_FOUND = fixed(404, "{\"code\":404,\"error\":\"Not found\"}");
    static final EmulatorAnswer INVALID_BODY = fixed(400, "{\"code\":400,\"error\":\"Invalid request body\"}");
    static final EmulatorAnswer MISSING_API_KEY =
            fixed(400, "{\"code\":400,\"error\":\"Missing api_key\",\"missing_field\":\"api_key\"}");
    static final EmulatorAnswer PAYLOAD_TOO_LARGE = fixed(413, "{\"code\":413,\"error\":\"Payload too large\"}");

    static final String TOO_MANY_REQUESTS_ERROR = "Too many requests for some devices and users";

    final int status;
    final byte[] body;
    final String contentType;

    private EmulatorAnswer(int status, byte[] body) {
        this(status, body, "application/json");
    }

    private EmulatorAnswer(int status, byte[] body, String contentType) {
        this.status = status;
        this.body = body;
        this.contentType = contentType;
    }

    /** An answer that is not Amplitude's: any status, content type and body. */
    static EmulatorAnswer foreign(int status, String contentType, String body) {
        return new EmulatorAnswer(status, body.getBytes(StandardCharsets.UTF_8), contentType);
    }

    static EmulatorAnswer fixed(int status, String json) {
        return new EmulatorAnswer(status, json.getBytes(StandardCharsets.UTF_8));
    }

    static EmulatorAnswer json(int status, ObjectNode body, ObjectMapper mapper) {
        try {
            return new EmulatorAnswer(status, mapper.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an answer body", e);
        }
    }

    /** Built by concatenation: this is the answer to nearly every request of a benchmark. */
    static EmulatorAnswer accepted(int eventsInRequest, int payloadBytes, long serverUploadTimeMillis) {
        return fixed(200, "{\"code\":200,\"events_ingested\":" + eventsInRequest
                + ",\"payload_size_bytes\":" + payloadBytes
                + ",\"server_upload_time\":" + serverUploadTimeMillis + "}");
    }

    static EmulatorAnswer invalidApiKey(String keySent, ObjectMapper mapper) {
        ObjectNode body = mapper.createObjectNode();
        body.put("code", 400);
        // the real service echoes the key it was sent; the app must mask it in its own messages
        body.put("error", "Invalid API key: " + keySent);
        return json(400, body, mapper);
    }

    /** The body Fault.status(code) answers with: what Amplitude (or the load balancer before it) sends for that status. */
    static EmulatorAnswer forStatus(int status) {
        switch (status) {
            case 200: return fixed(200, "{\"code\":200,\"events_ingested\":0,\"payload_size_bytes\":0,\"server_upload_time\":0}");
            case 400: return INVALID_BODY;
            case 403: return fixed(403, "{\"code\":403,\"error\":\"Forbidden\"}");
            case 404: return NOT_FOUND;
            case 413: return PAYLOAD_TOO_LARGE;
            case 429: return fixed(429, "{\"code\":429,\"error\":\"" + TOO_MANY_REQUESTS_ERROR + "\"}");
            case 500: return fixed(500, "{\"code\":500,\"error\":\"Internal Server Error\"}");
            case 502: return fixed(502, "{\"code\":502,\"error\":\"Bad Gateway\"}");
            case 503: return fixed(503, "{\"code\":503,\"error\":\"Service Unavailable\"}");
            case 504: return fixed(504, "{\"code\":504,\"error\":\"Gateway Timeout\"}");
            default: return fixed(status, "{\"code\":" + status + ",\"error\":\"HTTP " + status + "\"}");
        }
    }
}
