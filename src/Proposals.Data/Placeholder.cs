namespace Proposals.Data; internal static class Placeholder {}
