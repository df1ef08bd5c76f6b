namespace Proposals.Engine; internal static class Placeholder {}
