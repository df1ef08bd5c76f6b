using System.Globalization;
using System.Text;

namespace Proposals.Host.Proposals;

/// <summary>Whether a piece of text is in both versions, only in the later one, or only in the earlier one.</summary>
internal enum DiffKind
{
    Same,
    Inserted,
    Deleted,
}

/// <summary>A run of text with what happened to it between two versions.</summary>
internal sealed record DiffSegment(DiffKind Kind, string Text);

/// <summary>
/// A character diff of two texts: the shortest edit script (Myers' algorithm) over user-perceived characters, so that
/// Chinese, which has no spaces between words, is compared character by character and a surrogate pair is never split.
/// </summary>
internal static class TextDiff
{
    /// <summary>
    /// Beyond this many inserted and deleted characters the texts are compared paragraph by paragraph instead, and beyond
    /// that shown as replaced whole: the search's memory grows with the square of the edit distance.
    /// </summary>
    public const int MaxEditDistance = 3000;

    public static IReadOnlyList<DiffSegment> Compare(string before, string after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return Diff(Characters(before), Characters(after)) ?? Diff(Lines(before), Lines(after)) ?? Replaced(before, after);
    }

    private static List<DiffSegment> Replaced(string before, string after)
    {
        var result = new List<DiffSegment>();
        if (before.Length > 0)
        {
            result.Add(new DiffSegment(DiffKind.Deleted, before));
        }
        if (after.Length > 0)
        {
            result.Add(new DiffSegment(DiffKind.Inserted, after));
        }
        return result;
    }

    private static string[] Characters(string text)
    {
        var elements = new List<string>(text.Length);
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }
        return [.. elements];
    }

    // Each line keeps its line break, so that joining the pieces gives the text back exactly.
    private static string[] Lines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lines.Add(text[start..(i + 1)]);
                start = i + 1;
            }
        }
        if (start < text.Length)
        {
            lines.Add(text[start..]);
        }
        return [.. lines];
    }

    private static List<DiffSegment>? Diff(string[] a, string[] b)
    {
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }
        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix])
        {
            suffix++;
        }
        var middle = ShortestEdit(a[prefix..(a.Length - suffix)], b[prefix..(b.Length - suffix)]);
        if (middle is null)
        {
            return null;
        }
        var pieces = new List<(DiffKind Kind, string Text)>();
        pieces.AddRange(a[..prefix].Select(t => (DiffKind.Same, t)));
        pieces.AddRange(middle);
        pieces.AddRange(a[(a.Length - suffix)..].Select(t => (DiffKind.Same, t)));
        return Merge(pieces);
    }

    // Runs of one kind are joined, and within each changed stretch what was deleted comes before what was inserted,
    // so that the same two texts always read the same way.
    private static List<DiffSegment> Merge(List<(DiffKind Kind, string Text)> pieces)
    {
        var result = new List<DiffSegment>();
        var same = new StringBuilder();
        var deleted = new StringBuilder();
        var inserted = new StringBuilder();
        void Flush(StringBuilder run, DiffKind kind)
        {
            if (run.Length > 0)
            {
                result.Add(new DiffSegment(kind, run.ToString()));
                run.Clear();
            }
        }
        foreach (var (kind, text) in pieces)
        {
            if (kind == DiffKind.Same)
            {
                Flush(deleted, DiffKind.Deleted);
                Flush(inserted, DiffKind.Inserted);
                same.Append(text);
            }
            else
            {
                Flush(same, DiffKind.Same);
                (kind == DiffKind.Deleted ? deleted : inserted).Append(text);
            }
        }
        Flush(same, DiffKind.Same);
        Flush(deleted, DiffKind.Deleted);
        Flush(inserted, DiffKind.Inserted);
        return result;
    }

    // Myers' greedy search for the furthest-reaching path on each diagonal k = x - y, keeping for each edit count d the
    // frontier of diagonals -d..d so that the path can be walked back; null when more than MaxEditDistance edits are needed.
    private static List<(DiffKind, string)>? ShortestEdit(string[] a, string[] b)
    {
        int n = a.Length, m = b.Length;
        var max = n + m;
        var offset = max + 1;
        var frontier = new int[(2 * max) + 3];
        var trace = new List<int[]>();
        var found = -1;
        for (var d = 0; d <= Math.Min(max, MaxEditDistance) && found < 0; d++)
        {
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && frontier[offset + k - 1] < frontier[offset + k + 1])
                    ? frontier[offset + k + 1]
                    : frontier[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[x] == b[y])
                {
                    x++;
                    y++;
                }
                frontier[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = d;
                }
            }
            trace.Add(frontier[(offset - d)..(offset + d + 1)]);
        }
        if (found < 0)
        {
            return null;
        }

        var reversed = new List<(DiffKind, string)>();
        int cx = n, cy = m;
        for (var d = found; d > 0; d--)
        {
            var previous = trace[d - 1];
            int Previous(int diagonal) => previous[diagonal + d - 1];
            var k = cx - cy;
            var down = k == -d || (k != d && Previous(k - 1) < Previous(k + 1));
            var previousK = down ? k + 1 : k - 1;
            var previousX = Previous(previousK);
            var previousY = previousX - previousK;
            var snakeStartX = down ? previousX : previousX + 1;
            while (cx > snakeStartX)
            {
                cx--;
                cy--;
                reversed.Add((DiffKind.Same, a[cx]));
            }
            reversed.Add(down ? (DiffKind.Inserted, b[previousY]) : (DiffKind.Deleted, a[previousX]));
            cx = previousX;
            cy = previousY;
        }
        while (cx > 0)
        {
            cx--;
            reversed.Add((DiffKind.Same, a[cx]));
        }
        reversed.Reverse();
        return reversed;
    }
}
