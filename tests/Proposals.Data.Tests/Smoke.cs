namespace Proposals.Data.Tests;
public class SmokeFacts { [Fact] public void Runs() => Assert.True(1 + 1 == 2); }
