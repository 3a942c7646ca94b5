package io.ampfill.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;

/**
 * The ObjectMapper records are read with. Jackson reads a number beyond a double's range (1e400) as Infinity, which
 * it then writes as the string "Infinity": the event, and its dead letter, would carry another value in silence.
 * This mapper's parsers give such a number to the tree as the exact decimal it is, so that the mapper can refuse it
 * with its digits, and a dead letter keeps them. Every other number is read as Jackson reads it. (Jackson has no
 * setting for this: its exact decimals for all floats would change what ids are derived from.)
 */
public final class RecordJson {

    private RecordJson() {
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper(new ExactBeyondDoubleFactory());
    }

    /** A JsonFactory whose every parser is an {@link ExactBeyondDouble}; Jackson's own extension point for its parsers. */
    private static final class ExactBeyondDoubleFactory extends JsonFactory {
        private static final long serialVersionUID = 1L;

        ExactBeyondDoubleFactory() {
        }

        private ExactBeyondDoubleFactory(ExactBeyondDoubleFactory source) {
            super(source, null);
        }

        @Override
        public JsonFactory copy() {
            return new ExactBeyondDoubleFactory(this);
        }

        @Override
        protected JsonParser _createParser(InputStream in, IOContext ctxt) throws IOException {
            return new ExactBeyondDouble(super._createParser(in, ctxt));
        }

        @Override
        protected JsonParser _createParser(Reader r, IOContext ctxt) throws IOException {
            return new ExactBeyondDouble(super._createParser(r, ctxt));
        }

        @Override
        protected JsonParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable) throws IOException {
            return new ExactBeyondDouble(super._createParser(data, offset, len, ctxt, recyclable));
        }

        @Override
        protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
            return new ExactBeyondDouble(super._createParser(data, offset, len, ctxt));
        }

        @Override
        protected JsonParser _createParser(DataInput input, IOContext ctxt) throws IOException {
            return new ExactBeyondDouble(super._createParser(input, ctxt));
        }
    }

    /** Says a float beyond a double's range is a big decimal, so that Jackson's tree asks for its exact value. */
    private static final class ExactBeyondDouble extends JsonParserDelegate {
        ExactBeyondDouble(JsonParser parser) {
            super(parser);
        }

        @Override
        public NumberTypeFP getNumberTypeFP() throws IOException {
            if (delegate.currentToken() == JsonToken.VALUE_NUMBER_FLOAT && Double.isInfinite(delegate.getDoubleValue())) {
                try {
                    delegate.getDecimalValue();
                } catch (NumberFormatException e) {
                    // an exponent beyond an int (1e9999999999): not even a BigDecimal holds it
                    throw new StreamConstraintsException("Number exponent beyond what can be read: " + shown(delegate.getText()));
                }
                return NumberTypeFP.BIG_DECIMAL;
            }
            return delegate.getNumberTypeFP();
        }

        private static String shown(String number) {
            return number.length() <= 40 ? number : number.substring(0, 40) + "...";
        }
    }
}
