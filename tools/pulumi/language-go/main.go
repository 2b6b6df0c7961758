// Command pulumi-language-go is a minimal Pulumi language host for Go programs.
//
// Why it exists: the upstream host (module .../sdk/go/pulumi-language-go/v3) is not served by the Go
// module proxy these machines reach (every version answers 403), unlike pkg/v3 and sdk/v3. What a Go
// user needs from a host is small, though, and the heavy part is upstream code we do get from
// pkg/v3: Pulumi's own Go SDK generator (pkg/v3/codegen/go).
//
//   - GeneratePackage: `pulumi package add` writes a Go SDK for a package's schema with
//     codegen.GeneratePackage, exactly as the upstream host does.
//   - Link: adds `replace MODULE => ./sdks/NAME` to the program's go.mod; InstallDependencies then
//     runs `go mod tidy`, which adds the require (the program imports the SDK) and fills go.sum.
//   - Run: `go build` of the program folder into a temporary binary, run with the engine's
//     settings in the environment variables the Go SDK reads (PULUMI_MONITOR, PULUMI_CONFIG...).
//
// Deliberate limits: no debugger attach, no `binary`/`buildTarget` runtime options, no RunPlugin (Go
// plugins) and no program conversion; GetRequiredPackages reports nothing (the project's Pulumi.yaml
// `packages:` entry tells the engine where the provider is; plugin acquisition is disabled anyway).
// The environment's GOFLAGS and GOPROXY are used as they are.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	codegen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/constant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/mod/modfile"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

type languageHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	engineAddress string
}

func main() {
	// The engine passes flags (e.g. -tracing) and then the engine's address as the last argument.
	var engineAddress string
	if n := len(os.Args); n > 1 && !strings.HasPrefix(os.Args[n-1], "-") {
		engineAddress = os.Args[n-1]
	}
	host := &languageHost{engineAddress: engineAddress}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, host)
			return nil
		},
	})
	if err != nil {
		fail(err)
	}
	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-go: %v\n", err)
	os.Exit(1)
}

func (h *languageHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

func (h *languageHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *languageHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// GetProgramDependencies lists the program's go.mod requirements (`pulumi about`).
func (h *languageHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	path := filepath.Join(req.GetInfo().GetProgramDirectory(), "go.mod")
	mod, err := readGoMod(path)
	if err != nil {
		return nil, err
	}
	var deps []*pulumirpc.DependencyInfo
	for _, r := range mod.Require {
		if !r.Indirect || req.GetTransitiveDependencies() {
			deps = append(deps, &pulumirpc.DependencyInfo{Name: r.Mod.Path, Version: r.Mod.Version})
		}
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func (h *languageHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

func (h *languageHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	gobin, err := exec.LookPath("go")
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, gobin, "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("running go env GOVERSION: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: gobin, Version: strings.TrimSpace(string(out))}, nil
}

func (h *languageHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	info := req.GetInfo()
	dir := info.GetProgramDirectory()
	if dir == "" {
		dir = req.GetPwd()
	}
	bin, err := os.CreateTemp("", "pulumi-go-program-*")
	if err != nil {
		return nil, err
	}
	_ = bin.Close()
	defer os.Remove(bin.Name())

	build := exec.CommandContext(ctx, "go", "build", "-o", bin.Name(), ".")
	build.Dir = dir
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("go build of the program in %s failed: %v", dir, err)}, nil
	}

	config, err := json.Marshal(nonNilMap(req.GetConfig()))
	if err != nil {
		return nil, fmt.Errorf("serializing config: %w", err)
	}
	secretKeys, err := json.Marshal(append([]string{}, req.GetConfigSecretKeys()...))
	if err != nil {
		return nil, fmt.Errorf("serializing secret config keys: %w", err)
	}
	env := os.Environ()
	for name, value := range map[string]string{
		"PULUMI_ORGANIZATION":       req.GetOrganization(),
		"PULUMI_PROJECT":            req.GetProject(),
		"PULUMI_ROOT_DIRECTORY":     info.GetRootDirectory(),
		"PULUMI_STACK":              req.GetStack(),
		"PULUMI_CONFIG":             string(config),
		"PULUMI_CONFIG_SECRET_KEYS": string(secretKeys),
		"PULUMI_DRY_RUN":            strconv.FormatBool(req.GetDryRun()),
		"PULUMI_PARALLEL":           strconv.Itoa(int(req.GetParallel())),
		"PULUMI_MONITOR":            req.GetMonitorAddress(),
		"PULUMI_ENGINE":             h.engineAddress,
	} {
		if value != "" {
			env = append(env, name+"="+value)
		}
	}

	cmd := exec.CommandContext(ctx, bin.Name(), req.GetArgs()...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err = cmd.Run()
	var exitErr *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exitErr) && exitErr.ExitCode() == constant.ExitStatusLoggedError:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exitErr):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the Go program: %v", err)}, nil
	}
}

// InstallDependencies runs `go mod tidy` in the program (`pulumi install`, `pulumi package add`).
func (h *languageHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.GetIsTerminal())
	if err != nil {
		return err
	}
	defer closer.Close()
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetDirectory()
	}
	cmd := exec.CommandContext(server.Context(), "go", "mod", "tidy")
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("`go mod tidy` in %s failed: %w", dir, err)
	}
	return closer.Close()
}

// GeneratePackage writes the Go SDK of a schema with Pulumi's own Go generator.
func (h *languageHost) GeneratePackage(
	_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	if len(req.GetExtraFiles()) > 0 {
		return nil, errors.New("overlays are not supported for Go")
	}
	loader, err := schema.NewLoaderClient(req.GetLoaderTarget())
	if err != nil {
		return nil, err
	}
	defer loader.Close()

	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.GetSchema()), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewCachedLoader(loader), schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
	}
	files, err := codegen.GeneratePackage("pulumi-language-go", pkg, req.GetLocalDependencies())
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		out := filepath.Join(req.GetDirectory(), name)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(out, data, 0o644); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: plugin.HclDiagnosticsToRPCDiagnostics(diags)}, nil
}

// Link points the program's go.mod at each generated SDK folder with a replace directive.
func (h *languageHost) Link(_ context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	root := req.GetInfo().GetProgramDirectory()
	path := filepath.Join(root, "go.mod")
	mod, err := readGoMod(path)
	if err != nil {
		return nil, err
	}
	var instructions []string
	for _, dep := range req.GetPackages() {
		sdkDir := dep.GetPath()
		if !filepath.IsAbs(sdkDir) {
			sdkDir = filepath.Join(root, sdkDir)
		}
		sdk, err := readGoMod(filepath.Join(sdkDir, "go.mod"))
		if err != nil {
			return nil, fmt.Errorf("the generated SDK has no go.mod: %w", err)
		}
		rel, err := filepath.Rel(root, sdkDir)
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(rel, ".") {
			rel = "./" + rel
		}
		modulePath := sdk.Module.Mod.Path
		if err := mod.AddReplace(modulePath, "", filepath.ToSlash(rel), ""); err != nil {
			return nil, fmt.Errorf("adding a replace for %s: %w", modulePath, err)
		}
		instructions = append(instructions, fmt.Sprintf(
			"go.mod now replaces %s with %s.\nTo use this package, import %s/%s and run `go mod tidy`.",
			modulePath, rel, modulePath, goPackageOf(sdkDir, dep.GetPackage().GetName())))
	}
	mod.Cleanup()
	data, err := mod.Format()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return nil, err
	}
	return &pulumirpc.LinkResponse{ImportInstructions: strings.Join(instructions, "\n")}, nil
}

// goPackageOf names the SDK's Go package folder: the one holding pulumi-plugin.json.
func goPackageOf(sdkDir, fallback string) string {
	matches, _ := filepath.Glob(filepath.Join(sdkDir, "*", "pulumi-plugin.json"))
	if len(matches) == 1 {
		return filepath.Base(filepath.Dir(matches[0]))
	}
	return fallback
}

func readGoMod(path string) (*modfile.File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	mod, err := modfile.Parse(path, data, nil)
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", path, err)
	}
	return mod, nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
