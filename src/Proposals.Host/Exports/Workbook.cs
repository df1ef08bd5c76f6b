using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Proposals.Host.Exports;

/// <summary>How a column's cells are written and shown.</summary>
internal enum CellKind
{
    Text,
    Number,
    Percent,
    Date,
    DateTime,
}

internal sealed record SheetColumn(string Header, CellKind Kind, double Width = 14);

/// <summary>One worksheet: a bold, frozen header row and one row per record.</summary>
internal sealed record WorkbookSheet(string Name, IReadOnlyList<SheetColumn> Columns, IReadOnlyList<IReadOnlyList<object?>> Rows);

/// <summary>
/// Writes .xlsx workbooks the way people's spreadsheets expect them: Chinese headers in a frozen first row, dates as
/// real dates, rates as percentages. Every text is a string cell, never a formula, so a title that starts with
/// <c>=</c> stays text in Excel (no CSV-style formula injection).
/// </summary>
internal static class Workbook
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    // Style indexes into the cell formats written by WriteStyles, in this order.
    private const uint HeaderStyle = 1;
    private const uint DateStyle = 2;
    private const uint DateTimeStyle = 3;
    private const uint PercentStyle = 4;

    public static byte[] Write(IReadOnlyList<WorkbookSheet> sheets)
    {
        ArgumentNullException.ThrowIfNull(sheets);
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            WriteStyles(workbookPart.AddNewPart<WorkbookStylesPart>());
            var sheetList = new Sheets();
            uint sheetId = 1;
            foreach (var sheet in sheets)
            {
                var part = workbookPart.AddNewPart<WorksheetPart>();
                WriteSheet(part, sheet);
                sheetList.Append(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = sheetId++, Name = SheetName(sheet.Name) });
            }
            workbookPart.Workbook = new DocumentFormat.OpenXml.Spreadsheet.Workbook(sheetList);
            workbookPart.Workbook.Save();
        }
        return stream.ToArray();
    }

    // Excel refuses sheet names over 31 characters or with []:*?/\ in them.
    private static string SheetName(string name)
    {
        var cleaned = new string(name.Select(c => "[]:*?/\\".Contains(c, StringComparison.Ordinal) ? '_' : c).ToArray());
        return cleaned.Length > 31 ? cleaned[..31] : cleaned;
    }

    private static void WriteStyles(WorkbookStylesPart part)
    {
        part.Stylesheet = new Stylesheet(
            new NumberingFormats(
                new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd" },
                new NumberingFormat { NumberFormatId = 165, FormatCode = "yyyy-mm-dd hh:mm" })
            { Count = 2 },
            new Fonts(new Font(), new Font(new Bold())) { Count = 2 },
            new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
            new Borders(new Border()) { Count = 1 },
            new CellFormats(
                new CellFormat(),
                new CellFormat { FontId = 1, ApplyFont = true },
                new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true },
                new CellFormat { NumberFormatId = 165, ApplyNumberFormat = true },
                new CellFormat { NumberFormatId = 10, ApplyNumberFormat = true })
            { Count = 5 });
        part.Stylesheet.Save();
    }

    private static void WriteSheet(WorksheetPart part, WorkbookSheet sheet)
    {
        using var writer = OpenXmlWriter.Create(part);
        writer.WriteStartElement(new Worksheet());
        writer.WriteStartElement(new SheetViews());
        writer.WriteStartElement(new SheetView { WorkbookViewId = 0 });
        writer.WriteElement(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen });
        writer.WriteElement(new Selection { Pane = PaneValues.BottomLeft, ActiveCell = "A2", SequenceOfReferences = new ListValue<StringValue>(["A2"]) });
        writer.WriteEndElement();
        writer.WriteEndElement();
        writer.WriteStartElement(new Columns());
        for (var i = 0; i < sheet.Columns.Count; i++)
        {
            writer.WriteElement(new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = sheet.Columns[i].Width, CustomWidth = true });
        }
        writer.WriteEndElement();
        writer.WriteStartElement(new SheetData());
        WriteRow(writer, 1, sheet.Columns.Select(c => (object?)c.Header).ToList(), sheet.Columns.Select(_ => CellKind.Text).ToList(), HeaderStyle);
        var kinds = sheet.Columns.Select(c => c.Kind).ToList();
        var rowNumber = 2;
        foreach (var row in sheet.Rows)
        {
            if (row.Count != kinds.Count)
            {
                throw new ArgumentException($"Sheet '{sheet.Name}' has {kinds.Count} columns but row {rowNumber} has {row.Count} values.", nameof(sheet));
            }
            WriteRow(writer, rowNumber++, row, kinds, null);
        }
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static void WriteRow(OpenXmlWriter writer, int rowNumber, IReadOnlyList<object?> values, List<CellKind> kinds, uint? style)
    {
        writer.WriteStartElement(new Row { RowIndex = (uint)rowNumber });
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] is not { } value)
            {
                continue;
            }
            var reference = ColumnName(i) + rowNumber.ToString(CultureInfo.InvariantCulture);
            writer.WriteElement(Cell(reference, value, kinds[i], style));
        }
        writer.WriteEndElement();
    }

    private static Cell Cell(string reference, object value, CellKind kind, uint? style)
    {
        switch (value)
        {
            case string text:
                return new Cell(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve }))
                {
                    CellReference = reference, DataType = CellValues.InlineString, StyleIndex = style,
                };
            case DateOnly date:
                return Number(reference, date.ToDateTime(TimeOnly.MinValue).ToOADate(), style ?? DateStyle);
            case DateTime time:
                return Number(reference, time.ToOADate(), style ?? (kind == CellKind.Date ? DateStyle : DateTimeStyle));
            case bool flag:
                return new Cell(new InlineString(new Text(flag ? "是" : "否"))) { CellReference = reference, DataType = CellValues.InlineString, StyleIndex = style };
            case IConvertible number:
                return Number(reference, number.ToDouble(CultureInfo.InvariantCulture), style ?? (kind == CellKind.Percent ? PercentStyle : null));
            default:
                throw new ArgumentException($"A cell cannot hold a {value.GetType().Name}.", nameof(value));
        }
    }

    private static Cell Number(string reference, double value, uint? style) =>
        new(new CellValue(value.ToString("R", CultureInfo.InvariantCulture))) { CellReference = reference, DataType = CellValues.Number, StyleIndex = style };

    /// <summary>A, B, …, Z, AA, AB, … for a zero-based column index.</summary>
    public static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }
        return name;
    }
}
