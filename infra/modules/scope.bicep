metadata description = 'What a valid target scope is, exactly as the app parses ALLOWED_SCOPES (src/domain/scope.ts: parseScope, then formatScope): surrounding whitespace (JavaScript\'s String.prototype.trim set) and trailing slashes are dropped, then /subscriptions/<guid> or /subscriptions/<guid>/resourceGroups/<1-90 of A-Z a-z 0-9 _ - . ( )>, keywords in any ASCII case, the result lower-cased. test/infra/scope-cases.json holds the cases both sides are tested with.'

// Bicep functions cannot read variables, so the character sets are written where they are used. Every comparison
// is by exact ASCII character (no toLower on unvalidated text): the app's pattern is ASCII with a case-insensitive
// flag, and .NET's and JavaScript's case rules differ outside ASCII.

@description('True when the character is one JavaScript\'s String.prototype.trim removes (WhiteSpace and LineTerminator).')
func isJavaScriptWhitespace(character string) bool =>
  contains(
    '\t\n\u{B}\u{C}\r \u{A0}\u{1680}\u{2000}\u{2001}\u{2002}\u{2003}\u{2004}\u{2005}\u{2006}\u{2007}\u{2008}\u{2009}\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}',
    character
  )

@description('Index of the first character that is not JavaScript whitespace; -1 when there is none.')
func firstNonWhitespace(text string) int =>
  reduce(range(0, length(text)), -1, (first, i) => first >= 0 || isJavaScriptWhitespace(substring(text, i, 1)) ? first : i)

@description('Index of the last character that is not JavaScript whitespace; -1 when there is none.')
func lastNonWhitespace(text string) int =>
  reduce(range(0, length(text)), -1, (last, i) => isJavaScriptWhitespace(substring(text, i, 1)) ? last : i)

@description('The text trimmed as JavaScript\'s String.prototype.trim does (.NET\'s trim() removes another set).')
func trimAsJavaScript(text string) string =>
  firstNonWhitespace(text) < 0
    ? ''
    : substring(text, firstNonWhitespace(text), 1 + lastNonWhitespace(text) - firstNonWhitespace(text))

@description('The text without trailing slashes.')
func withoutTrailingSlashes(text string) string =>
  take(text, 1 + reduce(range(0, length(text)), -1, (last, i) => substring(text, i, 1) == '/' ? last : i))

@description('The segments of a trimmed scope without trailing slashes: [\'\', \'subscriptions\', <id>(, \'resourceGroups\', <name>)].')
func scopeSegments(raw string) string[] => split(withoutTrailingSlashes(trimAsJavaScript(raw)), '/')

@description('True when text is the ASCII word given in lower case, in any ASCII letter case.')
func isWordAnyCase(text string, lower string) bool =>
  length(text) == length(lower)
    ? empty(filter(range(0, length(text)), i => !contains([substring(lower, i, 1), toUpper(substring(lower, i, 1))], substring(text, i, 1))))
    : false

@export()
@description('True for a GUID in 8-4-4-4-12 hexadecimal form, any case.')
func isGuid(text string) bool =>
  length(text) == 36
    ? empty(filter(
        range(0, 36),
        i =>
          contains([8, 13, 18, 23], i)
            ? substring(text, i, 1) != '-'
            : !contains('0123456789abcdefABCDEF', substring(text, i, 1))
      ))
    : false

@description('True for 1-90 characters of A-Z a-z 0-9 _ - . ( ): what the app accepts as a resource group name.')
func isResourceGroupName(text string) bool =>
  length(text) >= 1 && length(text) <= 90
    ? empty(filter(
        range(0, length(text)),
        i => !contains('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.()', substring(text, i, 1))
      ))
    : false

@export()
@description('True when the app would accept the scope (parseScope does not throw).')
func isValidScope(raw string) bool =>
  length(scopeSegments(raw)) == 3
    ? scopeSegments(raw)[0] == '' && isWordAnyCase(scopeSegments(raw)[1], 'subscriptions') && isGuid(scopeSegments(raw)[2])
    : length(scopeSegments(raw)) == 5
        ? scopeSegments(raw)[0] == '' && isWordAnyCase(scopeSegments(raw)[1], 'subscriptions') && isGuid(scopeSegments(raw)[2]) && isWordAnyCase(
            scopeSegments(raw)[3],
            'resourcegroups'
          ) && isResourceGroupName(scopeSegments(raw)[4])
        : false

@export()
@description('The scope as the app formats it after parsing (formatScope): lower-cased IDs, the resourceGroups keyword in camel case. Only for scopes isValidScope accepts.')
func normalizedScope(raw string) string =>
  length(scopeSegments(raw)) == 3
    ? '/subscriptions/${toLower(scopeSegments(raw)[2])}'
    : '/subscriptions/${toLower(scopeSegments(raw)[2])}/resourceGroups/${toLower(scopeSegments(raw)[4])}'
