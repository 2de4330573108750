package daemon

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestConfigTemplateRoundTripsToDefaults(t *testing.T) {
	want := DefaultConfig()
	want.Seller = SandboxSeller
	text, err := RenderConfig(want)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseConfig(text, filepath.Join(t.TempDir(), "turnkeyd.yaml"))
	if err != nil {
		t.Fatalf("the template does not parse: %v\n%s", err, text)
	}
	got.file, got.base = "", ""
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("template parses to\n%+v\nwant\n%+v", *got, want)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("the sandbox configuration is not valid: %v", err)
	}
}

// Every key of Config must appear in the template `turnkeyd init` writes.
func TestConfigTemplateHasEveryKey(t *testing.T) {
	var keys []string
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := 0; i < typ.NumField(); i++ {
			f := typ.Field(i)
			tag := f.Tag.Get("yaml")
			if tag == "" {
				continue
			}
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeOf(time.Duration(0)) {
				keys = append(keys, prefix+tag)
				walk(prefix+tag+".", f.Type)
				continue
			}
			keys = append(keys, prefix+tag)
		}
	}
	walk("", reflect.TypeOf(Config{}))
	for _, key := range keys {
		parts := strings.Split(key, ".")
		needle := "\n" + strings.Repeat("  ", len(parts)-1) + parts[len(parts)-1] + ":"
		if !strings.Contains(configTemplate, needle) {
			t.Errorf("the init template lacks key %s", key)
		}
	}
	if len(keys) < 15 {
		t.Fatalf("walked only %d keys", len(keys))
	}
}

func TestParseConfigUnknownKeyNamesIt(t *testing.T) {
	_, err := ParseConfig([]byte("spool:\n  dir: x\n  rescann: 5s\n"), "t.yaml")
	if err == nil || !strings.Contains(err.Error(), "rescann") || !strings.Contains(err.Error(), "t.yaml:3:") {
		t.Fatalf("err = %v, want one naming rescann and t.yaml:3", err)
	}
}

func TestParseConfigExpandsEnvironment(t *testing.T) {
	t.Setenv("TK_BAN", "10458570")
	t.Setenv("TK_EMPTY", "")
	cfg, err := ParseConfig([]byte("seller:\n  ban: ${TK_BAN}\n  name: \"${TK_EMPTY:-店} $$5\"\nspool:\n  dir: ${TK_UNSET:-/data/spool}\n"), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Seller.BAN != "10458570" || cfg.Seller.Name != "店 $5" || cfg.Spool.Dir != "/data/spool" {
		t.Errorf("got %+v %+v", cfg.Seller, cfg.Spool)
	}
	_, err = ParseConfig([]byte("seller:\n  ban: ${TK_NOT_SET_AT_ALL}\n"), "t.yaml")
	if err == nil || !strings.Contains(err.Error(), "TK_NOT_SET_AT_ALL is not set") || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("err = %v, want one naming the variable and its line", err)
	}
}

func TestValidateNamesEachField(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Seller = SellerConfig{BAN: "12222539", Name: ""}
	cfg.MIG.Version = "4.0"
	cfg.Timezone = "Mars/Olympus"
	cfg.Spool.Rescan = 0
	cfg.Spool.Encoding = "latin1"
	cfg.Turnkey.Upload = map[string]string{"X0101": "a", "F0401": " "}
	cfg.HTTP.Listen = "9464"
	cfg.Log.Level = "loud"
	err := cfg.Validate()
	if err == nil {
		t.Fatal("Validate passed a broken configuration")
	}
	for _, key := range []string{"timezone:", "mig.version:", "seller.ban:", "seller.name:", "spool.rescan:", "spool.encoding:",
		"turnkey.upload.X0101:", "turnkey.upload.F0401:", "http.listen:", "log.level:", "checksum"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("Validate error lacks %q:\n%v", key, err)
		}
	}
}

func TestLoadConfigMissingFileSaysWhatToDo(t *testing.T) {
	_, err := LoadConfig(filepath.Join(t.TempDir(), "turnkeyd.yaml"))
	if err == nil || !strings.Contains(err.Error(), "turnkeyd init") {
		t.Errorf("err = %v, want a hint to run turnkeyd init", err)
	}
}

func TestInitCreatesConfigAndFolders(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "var")
	cfg := initConfig(t, dir)
	for _, d := range []string{"spool/in", "spool/work", "spool/done", "spool/failed", "spool/out",
		"turnkey/UpCast/B2SSTORAGE/F0401/SRC", "turnkey/UpCast/B2SSTORAGE/G0501/SRC", "turnkey/UpCast/B2CSTORAGE/E0402/SRC"} {
		if st, err := os.Stat(filepath.Join(dir, d)); err != nil || !st.IsDir() {
			t.Errorf("folder %s not created: %v", d, err)
		}
	}
	if got := cfg.Path(cfg.Ledger.Path); got != filepath.Join(dir, "ledger.db") {
		t.Errorf("ledger path %s, want it beside the config", got)
	}
	if _, err := Init(InitOptions{Dir: dir, Seller: SandboxSeller}); err == nil || !strings.Contains(err.Error(), "-force") {
		t.Errorf("second init = %v, want a refusal mentioning -force", err)
	}
}

func TestUploadDirOverride(t *testing.T) {
	cfg, err := ParseConfig([]byte("turnkey:\n  dir: /opt/EINVTurnkey\n  upload:\n    E0402: UpCast/B2PMESSAGE/E0402/SRC\n    F0401: /mnt/f0401\n"), "/etc/turnkeyd/t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range cfg.UploadHeads() {
		got := cfg.UploadDir(h)
		var want string
		switch h.Type {
		case "E0402":
			want = "/opt/EINVTurnkey/UpCast/B2PMESSAGE/E0402/SRC"
		case "F0401":
			want = "/mnt/f0401"
		default:
			want = "/opt/EINVTurnkey/UpCast/B2SSTORAGE/" + string(h.Type) + "/SRC"
		}
		if got != want {
			t.Errorf("UploadDir(%s) = %s, want %s", h, got, want)
		}
	}
	if cfg.SandboxTurnkey() {
		t.Error("an absolute Turnkey folder outside the config folder is not a sandbox")
	}
}
