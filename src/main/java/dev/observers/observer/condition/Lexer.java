package dev.observers.observer.condition;

/**
 * Splits condition text into tokens, on demand: what a position means depends on the grammar (after
 * a field name come an operator and a value, whose characters differ from a name's), so the parser
 * asks for the kind it expects next.
 */
final class Lexer {

    /** Tokens between comparisons and function calls. */
    enum Kind { LPAREN, RPAREN, NOT, AND, OR, NAME, OTHER, END }

    /** A structural token; {@code column} is 1-based. */
    record Token(Kind kind, String text, int column) {
        String describe() {
            return kind == Kind.END ? "the end of the condition" : "'" + text + "'";
        }
    }

    /**
     * A value: {@code text} is what it says (quotes removed), {@code source} as written. An empty
     * unquoted value means there was none.
     */
    record Value(String text, String source, int column, boolean quoted) {
        boolean absent() {
            return !quoted && text.isEmpty();
        }
    }

    private final String text;
    private int pos;

    Lexer(String text) {
        this.text = text;
    }

    /** The next structural token. */
    Token next() {
        skipWhitespace();
        int start = pos;
        if (pos >= text.length()) {
            return new Token(Kind.END, "", start + 1);
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '(' -> single(Kind.LPAREN);
            case ')' -> single(Kind.RPAREN);
            case '!' -> {
                if (charAt(pos + 1) == '=') {
                    throw new ConditionSyntaxException(start + 1, "expected a field name before '!='");
                }
                yield single(Kind.NOT);
            }
            case '&' -> doubled('&', Kind.AND);
            case '|' -> doubled('|', Kind.OR);
            default -> {
                if (isNameStart(text.codePointAt(pos))) {
                    yield new Token(Kind.NAME, name(), start + 1);
                }
                pos += Character.charCount(text.codePointAt(pos));
                yield new Token(Kind.OTHER, text.substring(start, pos), start + 1);
            }
        };
    }

    /** Whether the next non-blank character is {@code c}; consumes only the blanks. */
    boolean at(char c) {
        skipWhitespace();
        return charAt(pos) == c;
    }

    /** Consumes the character that {@link #at} just found. */
    void skip() {
        pos++;
    }

    /** The 1-based column of the next non-blank character. */
    int column() {
        skipWhitespace();
        return pos + 1;
    }

    /** What comes next, for an error message: a character or the end. */
    String describeNext() {
        skipWhitespace();
        return pos >= text.length() ? "the end of the condition"
                : "'" + new String(Character.toChars(text.codePointAt(pos))) + "'";
    }

    /** A run of operator characters ({@code = ! < >}), possibly empty; the parser checks it is one operator. */
    Token operator() {
        skipWhitespace();
        int start = pos;
        while (pos < text.length() && "=!<>".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
        return new Token(Kind.OTHER, text.substring(start, pos), start + 1);
    }

    /**
     * A value: {@code 'quoted text'} (no escapes: it ends at the next quote) or a bare run of letters,
     * digits, {@code _ . -}, which covers JSON numbers, {@code true}, {@code null} and plain words.
     */
    Value value() {
        skipWhitespace();
        int start = pos;
        if (charAt(pos) == '\'') {
            int close = text.indexOf('\'', pos + 1);
            if (close < 0) {
                throw new ConditionSyntaxException(text.length() + 1,
                        "expected a closing ' for the quote opened at column " + (start + 1));
            }
            pos = close + 1;
            return new Value(text.substring(start + 1, close), text.substring(start, pos), start + 1, true);
        }
        while (pos < text.length()) {
            int cp = text.codePointAt(pos);
            if (!isNamePart(cp) && cp != '.' && cp != '-') {
                break;
            }
            pos += Character.charCount(cp);
        }
        String bare = text.substring(start, pos);
        return new Value(bare, bare, start + 1, false);
    }

    private String name() {
        int start = pos;
        while (true) {
            while (pos < text.length() && isNamePart(text.codePointAt(pos))) {
                pos += Character.charCount(text.codePointAt(pos));
            }
            if (charAt(pos) == '.' && pos + 1 < text.length() && isNameStart(text.codePointAt(pos + 1))) {
                pos++;
            } else {
                return text.substring(start, pos);
            }
        }
    }

    private Token single(Kind kind) {
        pos++;
        return new Token(kind, text.substring(pos - 1, pos), pos);
    }

    private Token doubled(char c, Kind kind) {
        int start = pos;
        if (charAt(pos + 1) != c) {
            throw new ConditionSyntaxException(start + 1, "expected '" + c + c + "', got a single '" + c + "'");
        }
        pos += 2;
        return new Token(kind, text.substring(start, pos), start + 1);
    }

    private void skipWhitespace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private char charAt(int i) {
        return i < text.length() ? text.charAt(i) : '\0';
    }

    /** Rust's {@code char::is_alphabetic() || c == '_'}: what FraiseQL accepts to start a name. */
    static boolean isNameStart(int cp) {
        return Character.isAlphabetic(cp) || cp == '_';
    }

    /** Rust's {@code char::is_alphanumeric() || c == '_'}. */
    static boolean isNamePart(int cp) {
        if (isNameStart(cp)) {
            return true;
        }
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }
}
