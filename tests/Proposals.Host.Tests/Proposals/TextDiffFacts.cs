using Proposals.Host.Proposals;

namespace Proposals.Host.Tests.Proposals;

/// <summary>
/// The revisions' character diff: it must give both texts back, mark Chinese edits character by character, and be a
/// shortest edit, which an independent oracle (the longest common subsequence by dynamic programming) confirms.
/// </summary>
public sealed class TextDiffFacts
{
    private static string Before(IEnumerable<DiffSegment> diff) => string.Concat(diff.Where(s => s.Kind != DiffKind.Inserted).Select(s => s.Text));

    private static string After(IEnumerable<DiffSegment> diff) => string.Concat(diff.Where(s => s.Kind != DiffKind.Deleted).Select(s => s.Text));

    private static int Unchanged(IEnumerable<DiffSegment> diff) => diff.Where(s => s.Kind == DiffKind.Same).Sum(s => s.Text.Length);

    [Fact]
    public void A_chinese_sentence_with_a_word_changed_is_marked_character_by_character()
    {
        var diff = TextDiff.Compare("建议加快建设养老服务中心。", "建议尽快建设社区养老服务中心。");

        Assert.Equal(
            [
                new DiffSegment(DiffKind.Same, "建议"), new DiffSegment(DiffKind.Deleted, "加"), new DiffSegment(DiffKind.Inserted, "尽"),
                new DiffSegment(DiffKind.Same, "快建设"), new DiffSegment(DiffKind.Inserted, "社区"), new DiffSegment(DiffKind.Same, "养老服务中心。"),
            ],
            diff);
    }

    [Theory]
    [InlineData("", "", 0)]
    [InlineData("", "新增全文", 0)]
    [InlineData("删除全文", "", 0)]
    [InlineData("相同", "相同", 2)]
    [InlineData("abcabba", "cbabac", 4)]
    public void Small_cases_worked_out_by_hand(string before, string after, int unchanged)
    {
        var diff = TextDiff.Compare(before, after);

        Assert.Equal(before, Before(diff));
        Assert.Equal(after, After(diff));
        Assert.Equal(unchanged, Unchanged(diff));
    }

    [Fact]
    public void A_character_outside_the_basic_plane_is_never_split()
    {
        var diff = TextDiff.Compare("𠀀甲", "𠀁甲");

        Assert.All(diff, s => Assert.False(char.IsHighSurrogate(s.Text[^1]), $"'{s.Text}' ends inside a surrogate pair"));
        Assert.Equal([new DiffSegment(DiffKind.Deleted, "𠀀"), new DiffSegment(DiffKind.Inserted, "𠀁"), new DiffSegment(DiffKind.Same, "甲")], diff);
    }

    [Fact]
    public void Random_texts_give_both_texts_back_and_keep_a_longest_common_subsequence()
    {
        var random = new Random(20261202);
        const string alphabet = "政府部门党派提案办理答复。，ab\n";
        for (var i = 0; i < 400; i++)
        {
            var before = new string([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            var after = new string([.. Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)])]);

            var diff = TextDiff.Compare(before, after);

            Assert.Equal(before, Before(diff));
            Assert.Equal(after, After(diff));
            Assert.Equal(LongestCommonSubsequence(before, after), Unchanged(diff));
            Assert.All(diff.Zip(diff.Skip(1)), pair => Assert.NotEqual(pair.First.Kind, pair.Second.Kind));
        }
    }

    [Fact]
    public void Texts_too_different_for_a_character_diff_are_compared_by_line_and_still_give_both_back()
    {
        var before = string.Join("\n", Enumerable.Range(0, 400).Select(i => $"第{i}段：原文内容甲乙丙丁戊己庚辛"));
        var after = string.Join("\n", Enumerable.Range(0, 400).Select(i => i % 2 == 0 ? $"第{i}段：原文内容甲乙丙丁戊己庚辛" : $"改写的第{i}段：子丑寅卯辰巳午未申酉戌亥"));

        var diff = TextDiff.Compare(before, after);

        Assert.Equal(before, Before(diff));
        Assert.Equal(after, After(diff));
        // Every unchanged paragraph is kept whole: 200 of them.
        Assert.True(Unchanged(diff) >= 200 * "第0段：原文内容甲乙丙丁戊己庚辛".Length, $"only {Unchanged(diff)} characters kept");
    }

    // The oracle: the textbook dynamic programme, independent of the search the diff uses.
    private static int LongestCommonSubsequence(string a, string b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }
        return table[a.Length, b.Length];
    }
}
