using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Proposals.Host.Tests.Infrastructure;

/// <summary>An HTTP client signed in as one user, with short-hands for the API's routes.</summary>
public sealed class ApiClient(HttpClient http, string username) : IDisposable
{
    public const string Password = "demo-password";

    public HttpClient Http { get; } = http;

    public string Username { get; } = username;

    public JsonObject Me { get; private set; } = [];

    public async Task SignInAsync()
    {
        var response = await Http.PostAsJsonAsync("/api/auth/token", new { username = Username, password = Password });
        var body = await Json(response, HttpStatusCode.OK);
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body["accessToken"]!.GetValue<string>());
        Me = body["user"]!.AsObject();
    }

    public long OrganizationId => Me["organization"]!["id"]!.GetValue<long>();

    public Task<HttpResponseMessage> GetAsync(string url) => Http.GetAsync(url);

    public Task<HttpResponseMessage> PostAsync(string url, object? body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body is null ? "{}" : JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PutAsync(string url, object body) =>
        Http.PutAsync(url, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));

    public Task<HttpResponseMessage> PostRawAsync(string url, string body, string contentType = "application/json") =>
        Http.PostAsync(url, new StringContent(body, Encoding.UTF8, contentType));

    public async Task<JsonObject> GetJsonAsync(string url) => await Json(await Http.GetAsync(url), HttpStatusCode.OK);

    public async Task<JsonObject> ProposalAsync(long id) => await GetJsonAsync($"/api/proposals/{id}");

    /// <summary>Takes an action on the proposal's current version and expects it to succeed.</summary>
    public async Task<JsonObject> ActAsync(long id, string action, object? data = null, string? comment = null)
    {
        var current = await ProposalAsync(id);
        var response = await ActOnVersionAsync(id, action, current["version"]!.GetValue<int>(), data, comment);
        return await Json(response, HttpStatusCode.OK);
    }

    public Task<HttpResponseMessage> ActOnVersionAsync(long id, string action, int version, object? data = null, string? comment = null, string? idempotencyKey = null) =>
        PostAsync($"/api/proposals/{id}/actions/{action}", new { version, comment, data }, idempotencyKey);

    /// <summary>Reads the response as a JSON object after checking its status; the failure message carries the body.</summary>
    public static async Task<JsonObject> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonArray> JsonArray(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected} but got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    public void Dispose() => Http.Dispose();
}
