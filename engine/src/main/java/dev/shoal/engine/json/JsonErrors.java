package dev.shoal.engine.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.shoal.engine.InvalidRequestException;
import java.io.IOException;

/** Turns Jackson's parse errors into {@link InvalidRequestException}s with line and column. */
public final class JsonErrors {
  private JsonErrors() {}

  public static InvalidRequestException malformed(String what, IOException e) {
    String where = "";
    String message = e.getMessage();
    if (e instanceof JsonProcessingException jpe) {
      message = jpe.getOriginalMessage();
      JsonLocation loc = jpe.getLocation();
      if (loc != null && loc.getLineNr() > 0) {
        where = " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      }
    }
    return new InvalidRequestException("Malformed JSON in " + what + where + ": " + message, e);
  }
}
