package dev.loadlab.api.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/** A pretty-printed JSON object for a status page ({@code /health}, {@code /stats}). */
public final class JsonPage {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonPage() {
    }

    /** Writes the fields of the page's one object. */
    public interface Fields {
        void write(JsonGenerator json) throws IOException;
    }

    /** The object holding {@code fields}, pretty-printed, ending in a newline. */
    public static String render(Fields fields) {
        StringWriter out = new StringWriter(1024);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            fields.write(json);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.append('\n').toString();
    }
}
