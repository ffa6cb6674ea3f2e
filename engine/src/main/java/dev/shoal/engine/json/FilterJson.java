package dev.shoal.engine.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.shoal.engine.InvalidRequestException;
import dev.shoal.engine.query.Filter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of filters (API.md): {@code [attr, "Op", value]}, {@code ["And", [f, ...]]}, {@code
 * ["Or", [f, ...]]}, {@code ["Not", f]}. Stateless and thread-safe.
 */
public final class FilterJson {
  private static final ObjectMapper MAPPER = new ObjectMapper(DocumentJson.FACTORY);
  private static final int MAX_DEPTH = 32;

  private FilterJson() {}

  /** Parses a filter from a JSON string. */
  public static Filter parse(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (IOException e) {
      throw JsonErrors.malformed("filters", e);
    }
    return read(node, "filters");
  }

  /**
   * Reads a filter from a tree.
   *
   * @param where the location for messages, such as {@code filters}
   */
  public static Filter read(JsonNode node, String where) {
    return read(node, where, 0);
  }

  private static Filter read(JsonNode node, String where, int depth) {
    if (depth > MAX_DEPTH) {
      throw invalid(where, "filters nested deeper than " + MAX_DEPTH + " levels");
    }
    if (node == null || !node.isArray() || node.size() < 2 || !node.get(0).isTextual()) {
      throw invalid(
          where,
          "expected [attribute, operator, value], [\"And\", [...]], [\"Or\", [...]] or"
              + " [\"Not\", filter]");
    }
    String head = node.get(0).asText();
    if (node.size() == 2) {
      switch (head) {
        case "And", "Or" -> {
          JsonNode list = node.get(1);
          if (!list.isArray()) {
            throw invalid(where, head + " needs an array of filters");
          }
          List<Filter> parts = new ArrayList<>(list.size());
          for (int i = 0; i < list.size(); i++) {
            parts.add(read(list.get(i), where + "[1][" + i + "]", depth + 1));
          }
          return head.equals("And") ? new Filter.And(parts) : new Filter.Or(parts);
        }
        case "Not" -> {
          return new Filter.Not(read(node.get(1), where + "[1]", depth + 1));
        }
        default ->
            throw invalid(
                where, "\"" + head + "\" is not And, Or or Not; a comparison needs three elements");
      }
    }
    if (node.size() != 3 || !node.get(1).isTextual()) {
      throw invalid(where, "a comparison is [attribute, operator, value]");
    }
    Filter.Op op;
    try {
      op = Filter.Op.parse(node.get(1).asText());
    } catch (InvalidRequestException e) {
      throw invalid(where, e.getMessage().replace("Invalid filter: ", ""));
    }
    try {
      return Filter.Compare.of(head, op, value(node.get(2), where + "[2]"));
    } catch (InvalidRequestException e) {
      throw new InvalidRequestException(e.getMessage() + " (at " + where + ")", e);
    }
  }

  private static Object value(JsonNode v, String where) {
    if (v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.asText();
    }
    if (v.isBoolean()) {
      return v.asBoolean();
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.asLong();
    }
    if (v.isNumber()) {
      double d = v.asDouble();
      if (!Double.isFinite(d)) {
        throw invalid(where, "number out of range: " + v);
      }
      return d;
    }
    if (v.isArray()) {
      List<Object> out = new ArrayList<>(v.size());
      for (int i = 0; i < v.size(); i++) {
        JsonNode e = v.get(i);
        if (e.isArray() || e.isObject() || e.isNull()) {
          throw invalid(where + "[" + i + "]", "only strings, numbers and booleans allowed");
        }
        out.add(value(e, where + "[" + i + "]"));
      }
      return out;
    }
    throw invalid(where, "objects are not filter values");
  }

  /** The JSON tree of a filter. */
  public static JsonNode toJson(Filter filter) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ArrayNode out = f.arrayNode();
    if (filter instanceof Filter.And and) {
      out.add("And");
      ArrayNode parts = out.addArray();
      and.filters().forEach(x -> parts.add(toJson(x)));
    } else if (filter instanceof Filter.Or or) {
      out.add("Or");
      ArrayNode parts = out.addArray();
      or.filters().forEach(x -> parts.add(toJson(x)));
    } else if (filter instanceof Filter.Not not) {
      out.add("Not");
      out.add(toJson(not.filter()));
    } else {
      Filter.Compare c = (Filter.Compare) filter;
      out.add(c.attr());
      out.add(c.op().name());
      out.add(MAPPER.valueToTree(c.value()));
    }
    return out;
  }

  private static InvalidRequestException invalid(String where, String reason) {
    return new InvalidRequestException("Invalid filter at " + where + ": " + reason);
  }
}
