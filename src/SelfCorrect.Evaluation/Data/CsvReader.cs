using System.Text;

namespace SelfCorrect.Evaluation.Data;

/// <summary>One CSV record with the line it starts on (a quoted field may span lines).</summary>
internal sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// An RFC 4180 reader: comma-separated fields, double-quoted fields may hold commas, line breaks and doubled quotes;
/// CRLF or LF line ends. Kept here rather than taken from a package so every error names the file and line.
/// </summary>
internal static class CsvReader
{
    public static IEnumerable<CsvRecord> Read(string path)
    {
        string text = File.ReadAllText(path, Encoding.UTF8);
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, recordLine = 1, i = 0;
        bool quoted = false, fieldStarted = false;
        while (i < text.Length)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i += 2; continue; }
                if (c == '"')
                {
                    quoted = false;
                    i++;
                    if (i < text.Length && text[i] is not (',' or '\r' or '\n'))
                        throw new InvalidDataException($"{path}:{line}: unexpected character after a closing quote");
                    continue;
                }
                if (c == '\n') line++;
                field.Append(c);
                i++;
                continue;
            }
            switch (c)
            {
                case '"' when !fieldStarted && field.Length == 0:
                    quoted = true;
                    fieldStarted = true;
                    i++;
                    break;
                case '"':
                    throw new InvalidDataException($"{path}:{line}: a quote inside an unquoted field");
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    i++;
                    break;
                case '\r' or '\n':
                    i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    if (!(fields.Count == 1 && fields[0].Length == 0)) yield return new CsvRecord(recordLine, fields.ToArray());
                    fields.Clear();
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    fieldStarted = true;
                    i++;
                    break;
            }
        }
        if (quoted) throw new InvalidDataException($"{path}:{recordLine}: unterminated quoted field");
        if (fieldStarted || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return new CsvRecord(recordLine, fields.ToArray());
        }
    }
}
